package dev.coordd.cli.mcp;

import dev.coordd.api.CoordinationService;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects on the first operation a tool body calls, so that bad arguments, which the body checks
 * before it calls anything, are reported as such even when no daemon runs. One per call; not
 * thread-safe.
 */
final class LazyService implements InvocationHandler {
  // Logs under the tools' name, as it always has.
  private static final Logger log = LoggerFactory.getLogger(CoorddTools.class);

  private final CoorddTools.Connector connector;
  private CoordinationService open;

  LazyService(CoorddTools.Connector connector) {
    this.connector = connector;
  }

  CoordinationService proxy() {
    return (CoordinationService)
        Proxy.newProxyInstance(
            CoordinationService.class.getClassLoader(),
            new Class<?>[] {CoordinationService.class},
            this);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return method.invoke(this, args);
    }
    if (open == null) {
      open = connector.open();
    }
    try {
      return method.invoke(open, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Closes the connection if one was opened. */
  void close() {
    if (open instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.debug("closing the daemon connection failed", e);
      }
    }
  }
}
