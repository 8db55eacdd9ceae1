package dev.coordd.daemon.notify;

import java.util.Collection;
import java.util.function.Predicate;

/**
 * The one seam through which the daemon says that something changed and through which anything that
 * waits for a change waits. Whoever commits a change calls {@link #publish} after the commit, never
 * inside the transaction, so a woken reader always finds it in the store.
 *
 * <p>Waiting comes in three shapes, all safe against a change between the check and the wait:
 *
 * <ul>
 *   <li>generations ({@link #generation}, {@link #await}): read the generation, check the store,
 *       wait only if the generation has not moved since; every waiter wakes;
 *   <li>a task's result ({@link #awaitTask}): register before reading the task;
 *   <li>a {@link Latch} for one consuming loop, signalled on the changes it asks for;
 *   <li>a claimer's wait for work ({@link #awaitClaimable}): each task that becomes available wakes
 *       one waiter that can take it, not all of them.
 * </ul>
 *
 * <p>Listeners ({@link #listen}) get every change, in publish order, on their own thread; a live
 * feed (the dashboard's Server-Sent Events) is one. An implementation that shares the store with
 * other daemons (PostgreSQL LISTEN/NOTIFY) forwards what is published here and publishes locally
 * what the others committed, as the same {@link Change} records; generation waiters then also
 * re-read every poll interval in case a notification is lost. Claim waiters do not poll (a wait
 * that runs out returns without a write): such an implementation re-offers what is claimable, for
 * example by publishing each poll interval one available task per type that is queued and due.
 *
 * <p>Implementations are thread-safe.
 */
public interface Notifier {
  /** Tells waiters and listeners about a committed change. Never blocks on a listener. */
  void publish(Change change);

  /** The generation of {@code channel} now; read it before checking the state. */
  long generation(Channel channel);

  /** Waits up to {@code millis} for {@code channel} to move past {@code seen}. */
  void await(Channel channel, long seen, long millis) throws InterruptedException;

  /** Registers a wait for {@code taskId} to finish; call before reading the task. */
  TaskWait awaitTask(String taskId);

  /**
   * Registers a claimer that waits for work: tasks assigned to {@code agent}, and unassigned ones
   * of {@code types} (empty: any type), at most {@code max} at a time. {@link Change.TaskAvailable}
   * wakes one such waiter per task; {@link Change.QueuePolicyChanged} and {@link
   * Change.CapacityFreed} wake one waiter of their type, and a waiter whose claim comes back full
   * passes the wake on. Time passing wakes none: whoever makes a delayed task due publishes it as
   * available. Call before the first claim; close when done.
   */
  ClaimWait awaitClaimable(String agent, Collection<String> types, int max);

  /** A latch signalled on every published change that {@code wakesOn} accepts, and on close. */
  Latch latch(Predicate<Change> wakesOn);

  /**
   * Delivers every change published from now on to {@code listener}, on a thread of its own. A
   * listener more than {@code capacity} changes behind is dropped (see the implementation).
   */
  Feed listen(Feed.Listener listener, int capacity);

  /** True once {@link Change.Stopping} was published: waits should end rather than look again. */
  boolean stopping();

  /**
   * The daemon has stopped: releases every task waiter, claim waiter and latch, moves every
   * channel, and ends every feed. Later waits return at once.
   */
  void close();
}
