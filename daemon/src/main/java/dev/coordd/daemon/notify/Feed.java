package dev.coordd.daemon.notify;

/**
 * One listener's subscription to the stream of changes (see {@link Notifier#listen}). Closing it
 * stops delivery; the listener's {@link Listener#closed} is called once either way.
 */
public interface Feed extends AutoCloseable {
  boolean isOpen();

  @Override
  void close();

  /** Receives changes on the feed's own thread, in the order they were published. */
  interface Listener {
    void changed(Change change);

    /**
     * The feed ended: closed by its owner, by the notifier (the daemon stopped), or because the
     * listener fell too far behind ({@code reason} says which). A live view should re-read the
     * state it shows and subscribe again.
     */
    default void closed(String reason) {}
  }
}
