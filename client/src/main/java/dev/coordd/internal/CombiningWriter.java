package dev.coordd.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes whole messages (answer or request lines) to a blocking socket from many threads, combining
 * the ones that queue up while a write is under way into one gathering write. Pipelined calls
 * finish in bursts (a group commit answers hundreds at once): a system call per line would cost
 * more than the calls.
 *
 * <p>A thread that finds another one writing leaves its message in the queue and returns; the
 * writing thread looks at the queue again after it lets go, so no message is left behind. Messages
 * are never interleaved, and one thread's messages go out in the order it wrote them. A failed
 * write closes the channel: the messages still queued cannot be delivered, and the reading side
 * learns of it from the closed channel (the client fails its calls in flight; the daemon stops
 * serving). Thread-safe.
 */
public final class CombiningWriter {
  /** Buffers handed to one gathering write; the kernel takes up to IOV_MAX (1,024) at a time. */
  private static final int MAX_GATHER = 512;

  private record Message(ByteBuffer bytes, Runnable written) {}

  private static final Runnable NOTHING = () -> {};

  private final SocketChannel channel;
  private final ConcurrentLinkedQueue<Message> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock
  private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
  private final Message[] taken = new Message[MAX_GATHER];

  public CombiningWriter(SocketChannel channel) {
    this.channel = channel;
  }

  /**
   * Queues {@code message} and writes the queue unless another thread is writing it already (that
   * thread then writes this message too).
   *
   * @throws IOException when this thread's write failed; the channel is closed then
   */
  public void write(byte[] message) throws IOException {
    write(message, NOTHING);
  }

  /**
   * As {@link #write(byte[])}; {@code written} runs once the message is on the wire, or dropped
   * because the channel failed, on whichever thread wrote it. A caller that bounds what it has in
   * flight releases its slot there: a message still queued holds memory.
   */
  public void write(byte[] message, Runnable written) throws IOException {
    queue.add(new Message(ByteBuffer.wrap(message), written));
    writeQueued();
  }

  /** As {@link #write}, but waits for the lock: the message is on the wire when this returns. */
  public void writeNow(byte[] message) throws IOException {
    queue.add(new Message(ByteBuffer.wrap(message), NOTHING));
    lock.lock();
    try {
      drain();
    } finally {
      lock.unlock();
    }
    writeQueued(); // whatever was queued while we held the lock
  }

  private void writeQueued() throws IOException {
    while (!queue.isEmpty()) {
      if (!lock.tryLock()) {
        return; // the holder checks the queue after it unlocks, and finds what is there
      }
      try {
        drain();
      } finally {
        lock.unlock();
      }
    }
  }

  private void drain() throws IOException {
    int n = 0;
    try {
      while (true) {
        Message m;
        n = 0;
        while (n < MAX_GATHER && (m = queue.poll()) != null) {
          taken[n] = m;
          gather[n++] = m.bytes();
        }
        if (n == 0) {
          return;
        }
        int from = 0;
        while (from < n) {
          channel.write(gather, from, n - from);
          while (from < n && !gather[from].hasRemaining()) {
            gather[from] = null;
            Message done = taken[from];
            taken[from++] = null;
            done.written().run();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing because it failed already
      }
      for (int i = 0; i < n; i++) {
        if (taken[i] != null) {
          taken[i].written().run();
        }
      }
      Arrays.fill(gather, null);
      Arrays.fill(taken, null);
      Message m;
      while ((m = queue.poll()) != null) {
        m.written().run();
      }
      throw e;
    }
  }
}
