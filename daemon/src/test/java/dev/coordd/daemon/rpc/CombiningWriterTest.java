package dev.coordd.daemon.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.internal.CombiningWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer both ends of the socket use: lines from many threads at once arrive whole, none lost,
 * each thread's in its order, over a real Unix socket; a failed write closes the channel.
 */
class CombiningWriterTest {
  @TempDir Path dir;

  @Test
  void linesFromManyThreadsArriveWholeAndInEachThreadsOrder() throws Exception {
    int threads = 16;
    int perThread = 2_000;
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(dir.resolve("s.sock")));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
          SocketChannel peer = server.accept()) {
        CombiningWriter writer = new CombiningWriter(client);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          writers.add(
              Thread.ofVirtual()
                  .start(
                      () -> {
                        try {
                          go.await();
                          for (int i = 0; i < perThread; i++) {
                            // lines of different lengths, some longer than a socket buffer's share
                            String pad = "x".repeat((i * 37 + id) % 3_000);
                            writer.write(
                                (id + " " + i + " " + pad + "\n").getBytes(StandardCharsets.UTF_8),
                                written::incrementAndGet);
                          }
                        } catch (Exception e) {
                          throw new RuntimeException(e);
                        }
                      }));
        }
        Map<Integer, Integer> next = new HashMap<>();
        Thread reader =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try (BufferedReader in =
                          new BufferedReader(
                              new InputStreamReader(
                                  Channels.newInputStream(peer), StandardCharsets.UTF_8))) {
                        for (int n = 0; n < threads * perThread; n++) {
                          String[] parts = in.readLine().split(" ", 3);
                          int id = Integer.parseInt(parts[0]);
                          int i = Integer.parseInt(parts[1]);
                          assertThat(i).isEqualTo(next.getOrDefault(id, 0));
                          assertThat(parts[2]).isEqualTo("x".repeat((i * 37 + id) % 3_000));
                          next.put(id, i + 1);
                        }
                      } catch (IOException e) {
                        throw new RuntimeException(e);
                      }
                    });
        go.countDown();
        for (Thread w : writers) {
          w.join();
        }
        reader.join(60_000);
        assertThat(reader.isAlive()).isFalse();
        assertThat(next)
            .hasSize(threads)
            .allSatisfy((id, count) -> assertThat(count).isEqualTo(perThread));
      }
    }
  }

  /** A failed write closes the channel, and every message's callback runs: none holds a slot. */
  @Test
  void aFailedWriteClosesTheChannel() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(dir.resolve("s.sock")));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
        server.accept().close(); // the other side hangs up
        CombiningWriter writer = new CombiningWriter(client);
        byte[] line = ("x".repeat(10_000) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger called = new AtomicInteger();
        assertThatThrownBy(
                () -> {
                  for (int i = 0; i < 1_000; i++) {
                    sent.incrementAndGet();
                    writer.write(line, called::incrementAndGet);
                  }
                })
            .isInstanceOf(IOException.class);
        assertThat(client.isOpen()).isFalse();
        assertThat(called.get()).isEqualTo(sent.get());
        assertThatThrownBy(() -> writer.write(line, called::incrementAndGet))
            .isInstanceOf(IOException.class);
        assertThat(called.get()).isEqualTo(sent.get() + 1);
      }
    }
  }
}
