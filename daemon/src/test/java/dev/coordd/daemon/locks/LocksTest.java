package dev.coordd.daemon.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.ConflictException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Lock;
import dev.coordd.api.NotFoundException;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.daemon.service.LocalCoordinationService;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocksTest {
  static final long MIN = Duration.ofMinutes(1).toMillis();

  @TempDir Path dir;
  DaemonFixture f;
  CoordinationService svc;

  @BeforeEach
  void start() {
    // A poll interval of an hour: a waiter that gets its lock got it from a wake-up, not a re-poll.
    f = new DaemonFixture(dir, Map.of("heartbeatInterval", "10s", "pollInterval", "1h"));
    svc = f.service();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  Locks locks() {
    return ((LocalCoordinationService) f.daemon.service()).locks();
  }

  @Test
  void an_exclusive_lock_refuses_another_exclusive_one_naming_the_holder_and_its_expiry() {
    Lock held = svc.acquireLock("src/Main.java", "alice", 5 * MIN, false, 0);
    assertThat(held.holder()).isEqualTo("alice");
    assertThat(held.shared()).isFalse();
    assertThat(held.expiresAt()).isEqualTo(f.clock.millis() + 5 * MIN);

    assertThatThrownBy(() -> svc.acquireLock("src/Main.java", "bob", MIN, false, 0))
        .isInstanceOf(ConflictException.class)
        .hasMessage(
            "resource src/Main.java is held exclusively by alice until "
                + Instant.ofEpochMilli(held.expiresAt())
                + " (lease expires in 5m); a holder that"
                + " stops sending heartbeats loses its leases sooner");
    assertThat(svc.listLocks()).containsExactly(held);
  }

  @Test
  void shared_locks_coexist_and_refuse_an_exclusive_one_naming_every_holder() {
    svc.acquireLock("db/schema", "alice", 5 * MIN, true, 0);
    svc.acquireLock("db/schema", "bob", 2 * MIN, true, 0);
    assertThat(svc.listLocks()).extracting(Lock::holder).containsExactly("alice", "bob");

    assertThatThrownBy(() -> svc.acquireLock("db/schema", "carol", MIN, false, 0))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("held shared by alice until")
        .hasMessageContaining("shared by bob until")
        .hasMessageContaining("(lease expires in 2m)");
  }

  @Test
  void an_exclusive_lock_refuses_a_shared_one() {
    svc.acquireLock("db/schema", "alice", MIN, false, 0);
    assertThatThrownBy(() -> svc.acquireLock("db/schema", "bob", MIN, true, 0))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("held exclusively by alice");
  }

  @Test
  void the_holder_acquiring_again_extends_its_lease_and_may_switch_mode() {
    Lock first = svc.acquireLock("docs", "alice", MIN, false, 0);
    f.clock.step(Duration.ofSeconds(50));
    Lock again = svc.acquireLock("docs", "alice", 5 * MIN, false, 0);
    assertThat(again.acquiredAt()).isEqualTo(first.acquiredAt());
    assertThat(again.expiresAt()).isEqualTo(f.clock.millis() + 5 * MIN);
    f.clock.step(Duration.ofMinutes(2)); // past the first lease, inside the second
    svc.heartbeat("alice"); // not stale either
    assertThatThrownBy(() -> svc.acquireLock("docs", "bob", MIN, true, 0))
        .isInstanceOf(ConflictException.class);

    svc.acquireLock("docs", "alice", 5 * MIN, true, 0); // downgrade: now others may share
    assertThat(svc.acquireLock("docs", "bob", MIN, true, 0).shared()).isTrue();
    // Upgrading back is refused while bob shares it; alice keeps her shared lease.
    assertThatThrownBy(() -> svc.acquireLock("docs", "alice", MIN, false, 0))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("shared by bob");
    assertThat(svc.listLocks())
        .extracting(Lock::holder, Lock::shared)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("alice", true),
            org.assertj.core.groups.Tuple.tuple("bob", true));
  }

  @Test
  void a_lease_expires_by_the_clock() {
    svc.acquireLock("build", "alice", MIN, false, 0);
    f.clock.step(Duration.ofSeconds(59));
    svc.heartbeat("alice");
    assertThatThrownBy(() -> svc.acquireLock("build", "bob", MIN, false, 0))
        .isInstanceOf(ConflictException.class);
    f.advance(Duration.ofSeconds(1)); // expires_at <= now: gone, swept by housekeeping
    assertThat(svc.listLocks()).isEmpty();
    assertThat(svc.acquireLock("build", "bob", MIN, false, 0).holder()).isEqualTo("bob");
  }

  @Test
  void a_stale_holder_loses_its_leases_though_their_ttl_runs_on() {
    svc.acquireLock("src/**", "alice", Duration.ofHours(1).toMillis(), false, 0);
    svc.acquireLock("other", "bob", Duration.ofHours(1).toMillis(), false, 0);
    for (int i = 0; i < 3; i++) { // bob beats, alice is silent for three intervals
      f.advance(Duration.ofSeconds(10));
      svc.heartbeat("bob");
    }
    f.advance(Duration.ofSeconds(1));
    assertThat(svc.listLocks()).extracting(Lock::holder).containsExactly("bob");
    assertThat(svc.acquireLock("src/a.java", "carol", MIN, false, 0).holder()).isEqualTo("carol");
  }

  @Test
  void release_by_a_non_holder_is_refused_and_by_the_holder_frees_the_resource() {
    svc.acquireLock("deploy", "alice", MIN, false, 0);
    assertThatThrownBy(() -> svc.releaseLock("deploy", "bob"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("bob does not hold deploy")
        .hasMessageContaining("held exclusively by alice");
    assertThatThrownBy(() -> svc.releaseLock("nothing-here", "bob"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nobody holds a lock on nothing-here");
    svc.releaseLock("deploy", "alice");
    assertThat(svc.listLocks()).isEmpty();
    svc.acquireLock("deploy", "bob", MIN, false, 0);
  }

  @Test
  void a_waiting_acquire_gets_the_lock_when_the_holder_releases() throws Exception {
    svc.acquireLock("res", "alice", MIN, false, 0);
    CompletableFuture<Lock> waiting =
        CompletableFuture.supplyAsync(() -> svc.acquireLock("res", "bob", MIN, false, 30_000));
    Thread.sleep(100); // let it reach its wait; the result does not depend on it
    assertThat(waiting).isNotDone();
    svc.releaseLock("res", "alice");
    assertThat(waiting.get(10, TimeUnit.SECONDS).holder()).isEqualTo("bob");
  }

  @Test
  void a_waiting_acquire_gets_the_lock_when_the_holders_lease_expires() throws Exception {
    svc.acquireLock("res", "alice", MIN, false, 0);
    CompletableFuture<Lock> waiting =
        CompletableFuture.supplyAsync(() -> svc.acquireLock("res", "bob", MIN, false, 30_000));
    Thread.sleep(100); // bob waits before the lease expires: only the sweep's wake-up can end it
    assertThat(waiting).isNotDone();
    f.advance(Duration.ofMinutes(1)); // the sweep deletes alice's lease and wakes bob
    assertThat(waiting.get(10, TimeUnit.SECONDS).holder()).isEqualTo("bob");
  }

  @Test
  void the_expiry_sweep_deletes_dead_leases_and_wakes_waiters() throws Exception {
    svc.acquireLock("res", "alice", MIN, false, 0);
    CompletableFuture<Lock> waiting =
        CompletableFuture.supplyAsync(() -> svc.acquireLock("res", "bob", MIN, false, 30_000));
    Thread.sleep(100); // bob waits before the lease expires: only the sweep's wake-up can end it
    assertThat(waiting).isNotDone();
    f.clock.step(Duration.ofMinutes(1));
    locks().expire();
    assertThat(waiting.get(10, TimeUnit.SECONDS).holder()).isEqualTo("bob");
  }

  @Test
  void a_wait_that_runs_out_is_refused_naming_the_holder() {
    svc.acquireLock("res", "alice", MIN, false, 0);
    assertThatThrownBy(() -> svc.acquireLock("res", "bob", MIN, false, 200))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("held exclusively by alice")
        .hasMessageContaining("waited");
  }

  @Test
  void an_interrupted_waiter_returns_without_the_lock() throws Exception {
    svc.acquireLock("res", "alice", MIN, false, 0);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread waiter =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    svc.acquireLock("res", "bob", MIN, false, Duration.ofHours(1).toMillis());
                  } catch (Throwable t) {
                    outcome.set(t);
                  }
                });
    Thread.sleep(100);
    waiter.interrupt();
    waiter.join(10_000);
    assertThat(waiter.isAlive()).isFalse();
    assertThat(outcome.get())
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("interrupted")
        .hasMessageContaining("held exclusively by alice");
    assertThat(svc.listLocks()).extracting(Lock::holder).containsExactly("alice");
  }

  @Test
  void locks_survive_a_restart() {
    Lock held = svc.acquireLock("src/**", "alice", 5 * MIN, false, 0);
    f.restart();
    svc = f.service();
    assertThat(svc.listLocks()).containsExactly(held);
    assertThatThrownBy(() -> svc.acquireLock("src/a.java", "bob", MIN, false, 0))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("held exclusively by alice on src/** until");
  }

  @Test
  void globs_conflict_with_names_they_match_and_with_globs_whose_prefixes_overlap() {
    svc.acquireLock("src/**", "alice", MIN, false, 0);
    assertThatThrownBy(() -> svc.acquireLock("src/main/A.java", "bob", MIN, false, 0))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("resource src/main/A.java is held exclusively by alice on src/**");
    assertThatThrownBy(() -> svc.acquireLock("src/main/*.java", "bob", MIN, false, 0))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> svc.acquireLock("*.java", "bob", MIN, false, 0))
        .isInstanceOf(ConflictException.class); // conservative: no literal prefix
    svc.acquireLock("test/A.java", "bob", MIN, false, 0);
    svc.acquireLock("docs/*.md", "bob", MIN, false, 0);
    svc.acquireLock("src", "bob", MIN, false, 0); // a plain name, not the folder's contents
    assertThatThrownBy(() -> svc.acquireLock("*.txt", "carol", MIN, false, 0))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("exclusively by alice on src/**")
        .hasMessageContaining("exclusively by bob on docs/*.md");

    svc.releaseLock("src/**", "alice");
    svc.releaseLock("docs/*.md", "bob");
    svc.acquireLock("*.txt", "carol", MIN, false, 0); // bob's plain names do not match it
    assertThatThrownBy(() -> svc.acquireLock("notes.txt", "dave", MIN, false, 0))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("exclusively by carol on *.txt");
    svc.acquireLock("dir/notes.txt", "dave", MIN, false, 0); // * stops at /
  }

  @Test
  void glob_matching_rules() {
    assertThat(Globs.overlap("src/**", "src/a/b/c.java")).isTrue();
    assertThat(Globs.overlap("src/**/*.java", "src/A.java")).isTrue();
    assertThat(Globs.overlap("src/**/*.java", "src/x/A.java")).isTrue();
    assertThat(Globs.overlap("src/*.java", "src/x/A.java")).isFalse();
    assertThat(Globs.overlap("src/?.java", "src/A.java")).isTrue();
    assertThat(Globs.overlap("src/[AB].java", "src/B.java")).isTrue();
    assertThat(Globs.overlap("src/[!AB].java", "src/B.java")).isFalse();
    assertThat(Globs.overlap("src/{a,b}.md", "src/b.md")).isTrue();
    assertThat(Globs.overlap("src/{a,b}.md", "src/c.md")).isFalse();
    assertThat(Globs.overlap("a.b", "aXb")).isFalse(); // plain names compare as strings
    assertThat(Globs.overlap("src/*.java", "src/*.md")).isTrue(); // conservative
    assertThat(Globs.overlap("src/*.java", "test/*.java")).isFalse();
    assertThat(Globs.overlap("(x)+*", "(x)+y")).isTrue(); // regex characters are literal
  }

  @Test
  void bad_requests_name_the_field() {
    assertThatThrownBy(() -> svc.acquireLock("r", "alice", 0, false, 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("ttlMs")
        .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("ttlMs"));
    assertThatThrownBy(() -> svc.acquireLock("r", "alice", -5, false, 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("ttlMs");
    assertThatThrownBy(() -> svc.acquireLock("r", "alice", Duration.ofDays(8).toMillis(), false, 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("ttlMs");
    assertThatThrownBy(() -> svc.acquireLock("r", "alice", MIN, false, -1))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("waitMs");
    assertThatThrownBy(() -> svc.acquireLock("", "alice", MIN, false, 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("resource");
    assertThatThrownBy(() -> svc.acquireLock("x".repeat(501), "alice", MIN, false, 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("500");
    assertThatThrownBy(() -> svc.acquireLock("a\nb", "alice", MIN, false, 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("control");
    assertThatThrownBy(() -> svc.acquireLock("src/[abc", "alice", MIN, false, 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("not a valid glob");
    assertThatThrownBy(() -> svc.acquireLock("r", "../etc", MIN, false, 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("agent");
    assertThatThrownBy(() -> svc.releaseLock("r", null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("agent");
    assertThat(svc.acquireLock("x".repeat(500), "alice", MIN, false, 0)).isNotNull();
    assertThat(svc.listLocks()).hasSize(1);
  }

  @Test
  void acquiring_registers_the_agent_as_alive() {
    svc.acquireLock("r", "newcomer", MIN, false, 0);
    assertThat(svc.listAgents()).extracting(a -> a.name()).contains("newcomer");
  }

  @Test
  void contention_never_lets_two_exclusive_holders_in_at_once() throws Exception {
    int threads = 16;
    int cycles = 100;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger entries = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String agent = "worker-" + t;
      done.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < cycles; i++) {
                  try {
                    svc.acquireLock("counter", agent, MIN, false, 60_000);
                  } catch (ConflictException e) {
                    errors.add(e); // a 60 s wait must not run out here
                    continue;
                  }
                  int now = inside.incrementAndGet();
                  maxInside.accumulateAndGet(now, Math::max);
                  entries.incrementAndGet();
                  Thread.yield();
                  inside.decrementAndGet();
                  svc.releaseLock("counter", agent);
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> d : done) {
      d.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(errors).isEmpty();
    assertThat(maxInside.get()).isEqualTo(1);
    assertThat(entries.get()).isEqualTo(threads * cycles);
    assertThat(svc.listLocks()).isEmpty();
  }
}
