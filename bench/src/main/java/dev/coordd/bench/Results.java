package dev.coordd.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every figure of a benchmark: by scenario, store, system and metric, each run's value and their
 * median. Metrics are named with their unit ({@code p99_ms}, {@code creates_per_s}).
 */
public final class Results {
  public static final String COORDD = "coordd";

  /** A metric's runs; {@code higherIsBetter} tells the reader which way a ratio points. */
  public record Figure(String metric, boolean higherIsBetter, List<Double> runs) {
    public double median() {
      return Figures.median(runs);
    }
  }

  private final Map<String, Map<String, Map<String, Map<String, Figure>>>> figures =
      new LinkedHashMap<>();
  private final Map<String, String> notes = new LinkedHashMap<>();

  public synchronized void add(
      String scenario,
      StoreKind store,
      String system,
      String metric,
      boolean higherIsBetter,
      double value) {
    figures
        .computeIfAbsent(scenario, k -> new LinkedHashMap<>())
        .computeIfAbsent(store.label(), k -> new LinkedHashMap<>())
        .computeIfAbsent(system, k -> new LinkedHashMap<>())
        .computeIfAbsent(metric, k -> new Figure(metric, higherIsBetter, new ArrayList<>()))
        .runs()
        .add(value);
  }

  /** A sentence a scenario wants in the report (how it measured, what it skipped). */
  public synchronized void note(String key, String text) {
    notes.put(key, text);
  }

  public Map<String, Map<String, Map<String, Map<String, Figure>>>> figures() {
    return figures;
  }

  /** coordd's median over the peer's, for every metric both measured. */
  public List<Ratio> ratios() {
    List<Ratio> out = new ArrayList<>();
    figures.forEach(
        (scenario, stores) ->
            stores.forEach(
                (store, systems) -> {
                  Map<String, Figure> ours = systems.get(COORDD);
                  if (ours == null) {
                    return;
                  }
                  systems.forEach(
                      (system, metrics) -> {
                        if (system.equals(COORDD)) {
                          return;
                        }
                        metrics.forEach(
                            (metric, f) -> {
                              Figure o = ours.get(metric);
                              if (o != null) {
                                out.add(
                                    new Ratio(
                                        scenario,
                                        store,
                                        metric,
                                        system,
                                        Figures.ratio(o.median(), f.median()),
                                        f.higherIsBetter()));
                              }
                            });
                      });
                }));
    return out;
  }

  /** coordd / peer for one metric; above 1 is better for coordd when higher is better. */
  public record Ratio(
      String scenario,
      String store,
      String metric,
      String peer,
      double coorddOverPeer,
      boolean higherIsBetter) {}

  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    figures.forEach(
        (scenario, stores) -> {
          ObjectNode s = root.putObject(scenario);
          stores.forEach(
              (store, systems) -> {
                ObjectNode st = s.putObject(store);
                systems.forEach(
                    (system, metrics) -> {
                      ObjectNode sys = st.putObject(system);
                      metrics.forEach(
                          (metric, fig) -> {
                            ObjectNode m = sys.putObject(metric);
                            ArrayNode runs = m.putArray("runs");
                            fig.runs().forEach(runs::add);
                            m.put("median", fig.median());
                            m.put("better", fig.higherIsBetter() ? "higher" : "lower");
                          });
                    });
              });
        });
    return root;
  }

  public ArrayNode ratiosJson() {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (Ratio r : ratios()) {
      ObjectNode o = a.addObject();
      o.put("scenario", r.scenario());
      o.put("store", r.store());
      o.put("metric", r.metric());
      o.put("peer", r.peer());
      o.put("coordd_over_peer", r.coorddOverPeer());
      o.put("better", r.higherIsBetter() ? "higher" : "lower");
    }
    return a;
  }

  public ObjectNode notesJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    notes.forEach(o::put);
    return o;
  }

  /** The table: one row per scenario, store and metric; a column per system; the ratios. */
  public String table(List<String> peers) {
    List<String> systems = new ArrayList<>();
    systems.add(COORDD);
    systems.addAll(peers);
    List<List<String>> rows = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of("scenario", "store", "metric"));
    systems.forEach(s -> head.add(s + " (median)"));
    peers.forEach(p -> head.add("coordd/" + p));
    rows.add(head);
    figures.forEach(
        (scenario, stores) ->
            stores.forEach(
                (store, bySystem) -> {
                  List<String> metrics = new ArrayList<>();
                  bySystem
                      .values()
                      .forEach(
                          m ->
                              m.keySet().stream()
                                  .filter(k -> !metrics.contains(k))
                                  .forEach(metrics::add));
                  for (String metric : metrics) {
                    List<String> row = new ArrayList<>(List.of(scenario, store, metric));
                    for (String s : systems) {
                      Figure fig = bySystem.getOrDefault(s, Map.of()).get(metric);
                      row.add(fig == null ? "-" : number(fig.median()));
                    }
                    Figure ours = bySystem.getOrDefault(COORDD, Map.of()).get(metric);
                    for (String p : peers) {
                      Figure theirs = bySystem.getOrDefault(p, Map.of()).get(metric);
                      row.add(
                          ours == null || theirs == null
                              ? "-"
                              : String.format(
                                  Locale.ROOT,
                                  "%.2f",
                                  Figures.ratio(ours.median(), theirs.median())));
                    }
                    rows.add(row);
                  }
                }));
    return markdown(rows);
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String markdown(List<List<String>> rows) {
    StringBuilder b = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      b.append("| ").append(String.join(" | ", rows.get(r))).append(" |\n");
      if (r == 0) {
        b.append("|").append("---|".repeat(rows.get(0).size())).append("\n");
      }
    }
    return b.toString();
  }
}
