package dev.coordd.cli;

import dev.coordd.daemon.http.LoginCodes;
import dev.coordd.daemon.http.TokenFile;
import dev.coordd.daemon.http.UrlFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coordd dashboard}: prints (or opens) a one-time login link to the daemon's web page. The
 * link carries a code signed with the home's token, never the token: it works once, within {@link
 * LoginCodes#LIFETIME}, and leaves a session cookie in the browser. Whoever can read the token file
 * (the home's owner) can log in; nobody else can make a link.
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = {
      "Print a one-time login link to the daemon's web dashboard (needs http.enabled).",
      "The link works once, within 2 minutes; it sets a session cookie in the browser."
    })
final class DashboardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HomeOption home;

  @Option(names = "--open", description = "Open the link in the desktop's browser (xdg-open).")
  boolean open;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path resolved = home.resolve();
    Optional<String> url = UrlFile.read(resolved);
    if (url.isEmpty() || !answers(url.get())) {
      err.println(
          "coordd: no HTTP door is open on "
              + resolved
              + ". Start the daemon with it on: coordd daemon --detach --set http.enabled=true"
              + " (or \"http\": {\"enabled\": true} in config.json; http.port picks the port)");
      err.flush();
      return Cli.EXIT_NO_DAEMON;
    }
    Optional<String> token = TokenFile.read(resolved);
    if (token.isEmpty()) {
      err.println(
          "coordd: "
              + TokenFile.of(resolved)
              + " is missing; restart the daemon (it makes the token at start)");
      err.flush();
      return Cli.EXIT_FAILED;
    }
    String link =
        url.get() + "/login?code=" + LoginCodes.mint(token.get(), System.currentTimeMillis());
    out.println(link);
    out.flush();
    if (open) {
      openInBrowser(link, err);
    }
    return Cli.EXIT_OK;
  }

  /** The URL file outlives a killed daemon: trust it only when the door answers its probe. */
  private static boolean answers(String url) {
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpResponse<Void> r =
          client.send(
              HttpRequest.newBuilder(URI.create(url + "/healthz"))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void openInBrowser(String link, PrintWriter err) throws InterruptedException {
    try {
      Process p =
          new ProcessBuilder("xdg-open", link)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor() != 0) {
        err.println("coordd: xdg-open failed; open the link above by hand");
      }
    } catch (IOException e) {
      err.println(
          "coordd: cannot run xdg-open (" + e.getMessage() + "); open the link above by hand");
    }
    err.flush();
  }
}
