package dev.coordd.daemon.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox holds while someone with write access inside a root swaps folders and files for
 * symlinks to the outside in a tight loop: no request reads, lists, changes or creates anything
 * outside. Requests may fail meanwhile; they may not escape.
 */
class FileOperationRaceTest {
  private static final long RACE_MILLIS = 2_000;
  private static final int WORKERS = 3;

  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private FileOperationHandler handler;
  private ExecutorService threads;
  private final ConcurrentLinkedQueue<String> escapes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger insideReads = new AtomicInteger();
  private final AtomicInteger junk = new AtomicInteger();

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();
    Files.writeString(outside.resolve("f.txt"), "outside secret");
    Files.writeString(outside.resolve("victim.txt"), "must survive");
    Files.writeString(outside.resolve("log.txt"), "outside log\n");
    Files.writeString(outside.resolve("only-outside.txt"), "x");
    handler = new FileOperationHandler(new PathSandbox(List.of(root)), 1024);
    threads = Executors.newFixedThreadPool(WORKERS + 1);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void a_folder_swapped_for_a_link_to_the_outside_never_lets_a_request_escape() throws Exception {
    Path folder = Files.createDirectory(root.resolve("d"));
    Files.writeString(folder.resolve("f.txt"), "inside");
    Files.createSymbolicLink(root.resolve("d-link"), outside);
    Map<String, String> outsideBefore = snapshot(outside);

    race(
        () -> swap(root.resolve("d"), root.resolve("d-real"), root.resolve("d-link")),
        worker -> {
          read("d/f.txt");
          write("d/w-" + worker + ".txt", false);
          write("d/new-" + worker + "/x.txt", true);
          append("d/log.txt");
          stat("d/f.txt");
          list("d");
          delete("d/victim.txt");
        });

    assertThat(escapes).isEmpty();
    assertThat(snapshot(outside)).isEqualTo(outsideBefore);
    assertThat(insideReads.get()).as("reads that got through during the race").isPositive();
  }

  @Test
  void a_file_swapped_for_a_link_to_the_outside_is_never_followed() throws Exception {
    Path folder = Files.createDirectory(root.resolve("d"));
    for (String name : List.of("f.txt", "victim.txt", "log.txt")) {
      Files.writeString(folder.resolve(name), "inside");
      Files.createSymbolicLink(folder.resolve(name + "-link"), outside.resolve(name));
    }
    Map<String, String> outsideBefore = snapshot(outside);

    race(
        () -> {
          for (String name : List.of("f.txt", "victim.txt", "log.txt")) {
            swapFile(folder, name);
          }
        },
        worker -> {
          read("d/f.txt");
          write("d/victim.txt", false);
          append("d/log.txt");
          stat("d/f.txt");
          delete("d/victim.txt");
        });

    assertThat(escapes).isEmpty();
    assertThat(snapshot(outside)).isEqualTo(outsideBefore);
  }

  // --- the race ---

  interface Step {
    void run() throws Exception;
  }

  interface Requests {
    void run(int worker) throws Exception;
  }

  /** Runs {@code swapper} and {@link #WORKERS} request loops side by side for about 2 s. */
  private void race(Step swapper, Requests requests) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RACE_MILLIS);
    List<Future<?>> running = new ArrayList<>();
    running.add(
        threads.submit(
            () -> {
              while (System.nanoTime() < deadline) {
                swapper.run();
              }
              return null;
            }));
    for (int i = 0; i < WORKERS; i++) {
      int worker = i;
      running.add(
          threads.submit(
              () -> {
                while (System.nanoTime() < deadline) {
                  requests.run(worker);
                }
                return null;
              }));
    }
    for (Future<?> future : running) {
      future.get(RACE_MILLIS + 20_000, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * One round of the rename dance: the real entry at {@code name} is parked, the link takes its
   * place, then everything goes back. A worker may create {@code name} while it is free (a write
   * with createDirectories); that folder is moved aside so the dance goes on.
   */
  private void swap(Path name, Path parked, Path link) throws IOException {
    move(name, parked);
    move(link, name);
    move(name, link);
    move(parked, name);
  }

  /**
   * {@link #swap} for a file. A write renames over the name and a delete unlinks it whichever entry
   * is there at that instant (the link itself when it is, never what it points to), so the dance
   * can find its link or file gone; it then puts them back.
   */
  private void swapFile(Path folder, String name) throws IOException {
    Path file = folder.resolve(name);
    Path parked = folder.resolve(name + "-real");
    Path link = folder.resolve(name + "-link");
    try {
      swap(file, parked, link);
    } catch (NoSuchFileException e) {
      for (Path entry : List.of(file, parked, link)) {
        Files.deleteIfExists(entry); // never follows a link
      }
      Files.writeString(file, "inside");
      Files.createSymbolicLink(link, outside.resolve(name));
    }
  }

  private void move(Path from, Path to) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (NoSuchFileException e) {
        throw e;
      } catch (IOException e) {
        if (attempt > 100) {
          throw e;
        }
        // Something a request created at the free name is in the way.
        Files.move(to, root.resolve("junk-" + junk.incrementAndGet()));
      }
    }
  }

  // --- requests, each recording an escape it sees ---

  private void read(String path) throws Exception {
    JsonNode result = attempt(op("read", path));
    if (result != null) {
      String content = result.get("content").asText();
      if (!content.equals("inside")) {
        escapes.add("read " + path + " returned '" + content + "'");
      }
      insideReads.incrementAndGet();
    }
  }

  private void write(String path, boolean createDirectories) throws Exception {
    attempt(
        op("write", path).put("content", "written").put("createDirectories", createDirectories));
  }

  private void append(String path) throws Exception {
    attempt(op("append", path).put("content", "appended\n"));
  }

  private void stat(String path) throws Exception {
    JsonNode result = attempt(op("stat", path));
    if (result != null && result.get("exists").asBoolean()) {
      long size = result.get("size").asLong();
      if (size != "inside".length() && !result.get("type").asText().equals("symlink")) {
        escapes.add("stat " + path + " reported size " + size + ": " + result);
      }
    }
  }

  private void list(String path) throws Exception {
    JsonNode result = attempt(op("list", path));
    if (result != null && result.get("entries").findValuesAsText("name").contains("f.txt")) {
      if (result.get("entries").findValuesAsText("name").contains("only-outside.txt")) {
        escapes.add("list " + path + " showed the outside folder: " + result);
      }
    }
  }

  private void delete(String path) throws Exception {
    attempt(op("delete", path));
  }

  /** The result, or null when the request was refused or failed (allowed during the race). */
  private JsonNode attempt(ObjectNode data) throws Exception {
    try {
      return handler.handle(TestContexts.running("file_operation", data));
    } catch (TaskFailure | IOException e) {
      return null;
    }
  }

  private static ObjectNode op(String operation, String path) {
    return Json.MAPPER.createObjectNode().put("operation", operation).put("path", path);
  }

  /** Every entry under {@code folder} with its content ("<dir>" for folders). */
  private static Map<String, String> snapshot(Path folder) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path path : all.toList()) {
        String key = folder.relativize(path).toString();
        entries.put(key, Files.isDirectory(path) ? "<dir>" : Files.readString(path));
      }
    }
    return entries;
  }
}
