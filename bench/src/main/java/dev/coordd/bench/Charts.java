package dev.coordd.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bar charts as plain SVG, one group per store and metric, a bar per system (median of the runs).
 * No chart library: a few rectangles and labels.
 */
public final class Charts {
  private static final String[] COLOURS = {"#2b6cb0", "#dd6b20", "#38a169", "#805ad5"};

  private Charts() {}

  /** The chart of one scenario's figures, or null when it has none. */
  public static String svg(
      String scenario,
      Map<String, Map<String, Map<String, Results.Figure>>> byStore,
      List<String> systems) {
    record Bar(String group, String system, double value) {}
    List<Bar> bars = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    byStore.forEach(
        (store, bySystem) -> {
          List<String> metrics = new ArrayList<>();
          bySystem
              .values()
              .forEach(
                  m -> m.keySet().stream().filter(k -> !metrics.contains(k)).forEach(metrics::add));
          for (String metric : metrics) {
            String group = store + " " + metric;
            groups.add(group);
            for (String s : systems) {
              Results.Figure f = bySystem.getOrDefault(s, Map.of()).get(metric);
              if (f != null) {
                bars.add(new Bar(group, s, f.median()));
              }
            }
          }
        });
    if (bars.isEmpty()) {
      return null;
    }
    int barH = 18;
    int gap = 14;
    int labelW = 260;
    int plotW = 420;
    int y = 40;
    StringBuilder b = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String g : groups) {
      List<Bar> in = bars.stream().filter(x -> x.group().equals(g)).toList();
      double max = in.stream().mapToDouble(Bar::value).max().orElse(1);
      body.append(text(8, y + 12, g, "bold"));
      y += 18;
      for (Bar bar : in) {
        int w = max <= 0 ? 0 : (int) Math.round(bar.value() / max * plotW);
        String colour = COLOURS[Math.max(0, systems.indexOf(bar.system())) % COLOURS.length];
        body.append(text(16, y + 13, bar.system(), "normal"));
        body.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                labelW,
                y,
                Math.max(w, 1),
                barH,
                colour));
        body.append(
            text(labelW + Math.max(w, 1) + 6, y + 13, Results.number(bar.value()), "normal"));
        y += barH + 4;
      }
      y += gap;
    }
    int width = labelW + plotW + 120;
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            width,
            y + 10));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    b.append(
        text(
            8,
            22,
            "coordd bench " + scenario + " (median of runs; each group scaled to its largest bar)",
            "bold"));
    b.append(body);
    b.append("</svg>\n");
    return b.toString();
  }

  private static String text(int x, int y, String s, String weight) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" font-weight=\"%s\">%s</text>%n",
        x,
        y,
        weight,
        s.replace("&", "&amp;").replace("<", "&lt;"));
  }
}
