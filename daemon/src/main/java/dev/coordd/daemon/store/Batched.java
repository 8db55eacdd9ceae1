package dev.coordd.daemon.store;

import java.sql.SQLException;
import java.util.List;

/**
 * A writer operation that can run together with its neighbours of the same {@link Kind}: when
 * several sit next to each other in one group commit, the {@link StoreWriter} hands them to their
 * kind at once, which runs them as a few set-based statements instead of a round trip or more each.
 * Only adjacent operations are grouped, so the order of submission is kept.
 *
 * <p>Run alone (a batch of one, or a bisection down to one) it is the same code with a list of one,
 * so there is one path to get right.
 *
 * @param <T> what the operation returns to its caller
 */
public interface Batched<T> extends SqlFunction<Tx, T> {

  /**
   * Runs a list of operations of one kind inside the writer's transaction.
   *
   * <p>An operation that fails on its own (a conflict, an unknown task) gets its error in its
   * {@link Outcome} and must leave the database as if it had not been submitted: the others commit.
   * A failure of the statements themselves is thrown, which rolls the transaction back; the writer
   * then bisects as for any failing operation, down to each operation alone. Like every writer
   * operation, a kind may be run again (a retry after a deadlock, a reconnect): it must touch only
   * the database.
   */
  interface Kind<O extends Batched<?>> {
    List<Outcome> runAll(Tx tx, List<O> ops) throws SQLException;
  }

  /** What one operation of a group came to: a value, or its own error. */
  record Outcome(Object value, RuntimeException error) {
    public static Outcome of(Object value) {
      return new Outcome(value, null);
    }

    public static Outcome failed(RuntimeException error) {
      return new Outcome(null, error);
    }
  }

  /** Operations coalesce when their kinds are the same object. */
  Kind<?> kind();

  @Override
  @SuppressWarnings("unchecked")
  default T apply(Tx tx) throws SQLException {
    Outcome outcome = ((Kind<Batched<?>>) kind()).runAll(tx, List.of(this)).get(0);
    if (outcome.error() != null) {
      throw outcome.error();
    }
    return (T) outcome.value();
  }
}
