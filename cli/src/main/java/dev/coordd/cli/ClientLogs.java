package dev.coordd.cli;

import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Logging for every command but {@code coordd daemon}: lines to stderr, nothing else. A client
 * command lives for a fraction of a second; starting logback for it (its XML configuration alone
 * loads some 700 classes) cost more than the command's own work. The daemon keeps logback ({@code
 * logback.xml} and {@link Logs}). {@link #install} must run before anything asks SLF4J for a
 * logger; tests that run commands in-process keep whatever their class path configures.
 */
public final class ClientLogs implements SLF4JServiceProvider {
  private static volatile Level threshold = Level.INFO;

  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private final ILoggerFactory loggers = StderrLogger::new;

  /** Points SLF4J at this provider (unless the caller chose one with -Dslf4j.provider). */
  public static void install() {
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", ClientLogs.class.getName());
      // SLF4J announces an explicitly named provider at INFO; that line is noise on a command.
      if (System.getProperty("slf4j.internal.verbosity") == null) {
        System.setProperty("slf4j.internal.verbosity", "WARN");
      }
    }
  }

  /** The least level printed from now on (INFO unless changed; {@code coordd mcp} uses WARN). */
  public static void threshold(Level level) {
    threshold = level;
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  /**
   * Made at the first line logged, not when {@link #install} runs: building a DateTimeFormatter
   * sets up lambdas, regular expressions and java.time, ~50 ms of a command that logs nothing.
   */
  private static final class Time {
    static final DateTimeFormatter FORMAT =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
  }

  /** One line per event: time, level, the logger's short name, the message (and a stack trace). */
  static final class StderrLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    StderrLogger(String name) {
      this.name = name;
    }

    private static boolean on(Level level) {
      return level.toInt() >= threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
      return on(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return on(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return on(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return on(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return on(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
      String shortName = name.substring(name.lastIndexOf('.') + 1);
      String line =
          OffsetDateTime.now().format(Time.FORMAT)
              + " "
              + String.format("%-5s", level)
              + " "
              + shortName
              + " - "
              + MessageFormatter.basicArrayFormat(pattern, args);
      PrintStream err = System.err;
      synchronized (err) {
        err.println(line);
        if (thrown != null) {
          thrown.printStackTrace(err);
        }
      }
    }
  }
}
