package dev.coordd.daemon.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A bare socket client: writes lines as given and reads answer lines with a time bound. */
final class RawClient implements AutoCloseable {
  final SocketChannel channel;
  private final OutputStream out;
  private final BufferedReader in;

  RawClient(Path socket) throws IOException {
    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    out = Channels.newOutputStream(channel);
    in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
  }

  void send(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The next line, or null at the end of the stream; fails the test after 10 s of silence. */
  String readLine() throws Exception {
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                line.complete(in.readLine());
              } catch (IOException e) {
                line.completeExceptionally(e);
              }
            });
    return line.get(10, TimeUnit.SECONDS);
  }

  /** The next answer, parsed. */
  JsonNode answer() throws Exception {
    String line = readLine();
    return line == null ? null : Json.read(line);
  }

  JsonNode ask(String line) throws Exception {
    send(line);
    return answer();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
