package dev.coordd.cli;

/**
 * The launchers' main class: what agents run most ({@link FastPath}: check, hook session-start,
 * task claim/complete) before anything of picocli is loaded, everything else through {@link
 * Main#main}. Not {@link Main} itself: the JVM looks up {@code main} by reflection, which resolves
 * every public method's types, and {@link Main#commandLine()} returns picocli's CommandLine, a 72
 * kB class that CDS cannot archive.
 */
public final class Start {
  private Start() {}

  public static void main(String[] args) {
    if (!FastPath.handled(args)) {
      Main.main(args);
    }
  }
}
