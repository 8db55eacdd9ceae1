package dev.coordd.bench.peers;

import com.zaxxer.hikari.HikariDataSource;
import dev.coordd.bench.Figures;
import dev.coordd.bench.StoreTarget;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.configuration.JobRunrConfiguration;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.BackgroundJob;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;

/**
 * JobRunr as its documentation sets it up: a {@code SqlStorageProviderFactory} on a DataSource,
 * {@code BackgroundJob.enqueue} for one job and {@code enqueue(Stream, lambda)} for many, and a
 * background job server with the same worker count as coordd's concurrency. Its poll interval is
 * its smallest allowed for a SQL store, 5 s (JobRunr refuses less): between polls a new job waits.
 */
public final class JobRunrSystem implements QueueSystem {
  private static final int POLL_SECONDS = 5;
  private final Load load;

  public JobRunrSystem(Load load) {
    this.load = load;
  }

  @Override
  public String name() {
    return "jobrunr";
  }

  @Override
  public String method() {
    return "JobRunr "
        + PeerVersions.of(JobRunr.class, "org.jobrunr", "jobrunr")
        + " in this JVM: SqlStorageProviderFactory on a Hikari pool, BackgroundJobServer with "
        + load.workers()
        + " workers and a "
        + POLL_SECONDS
        + " s poll (its minimum on SQL); BackgroundJob.enqueue per job for latency,"
        + " enqueue(Stream) for throughput";
  }

  /** The pool of the run in progress: JobRunr does not close a DataSource it was handed. */
  private HikariDataSource ds;

  private StorageProvider begin(StoreTarget store, boolean server) {
    PeerJobs.reset();
    ds = store.dataSource(load.workers() + 2);
    StorageProvider sp = SqlStorageProviderFactory.using(ds);
    JobRunrConfiguration c = JobRunr.configure().useStorageProvider(sp);
    if (server) {
      c.useBackgroundJobServer(
          BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
              .andWorkerCount(load.workers())
              .andPollIntervalInSeconds(POLL_SECONDS));
    }
    c.initialize();
    return sp;
  }

  private void end(StorageProvider sp) {
    JobRunr.destroy();
    sp.close();
    ds.close();
  }

  @Override
  public double[] latencyMillis(StoreTarget store, Path dir, int n, double rate) throws Exception {
    StorageProvider sp = begin(store, true);
    try {
      long[] created = new long[n];
      String[] ids = new String[n];
      long interval = (long) (1e9 / rate);
      long next = System.nanoTime();
      for (int i = 0; i < n; i++) {
        CoorddSystem.pauseUntil(next);
        String id = UUID.randomUUID().toString();
        ids[i] = id;
        created[i] = System.nanoTime();
        BackgroundJob.enqueue(() -> PeerJobs.run(id));
        next += interval;
      }
      PeerWaits.until(PeerJobs.RUN::get, n, 600_000, "JobRunr latency");
      double[] ms = new double[n];
      for (int i = 0; i < n; i++) {
        ms[i] = Figures.millis(PeerJobs.STARTED.get(ids[i]) - created[i]);
      }
      return ms;
    } finally {
      end(sp);
    }
  }

  @Override
  public double batchCreatesPerSecond(StoreTarget store, Path dir, int n) {
    StorageProvider sp = begin(store, false);
    try {
      long start = System.nanoTime();
      BackgroundJob.enqueue(ids(n), id -> PeerJobs.run(id));
      return Figures.perSecond(n, System.nanoTime() - start);
    } finally {
      end(sp);
    }
  }

  @Override
  public double endToEndPerSecond(StoreTarget store, Path dir, int n) throws Exception {
    StorageProvider sp = begin(store, true);
    try {
      long start = System.nanoTime();
      BackgroundJob.enqueue(ids(n), id -> PeerJobs.run(id));
      PeerWaits.until(() -> sp.countJobs(StateName.SUCCEEDED), n, 600_000, "JobRunr end to end");
      return Figures.perSecond(n, System.nanoTime() - start);
    } finally {
      end(sp);
    }
  }

  private static Stream<String> ids(int n) {
    return IntStream.range(0, n).mapToObj(i -> "j" + i);
  }
}
