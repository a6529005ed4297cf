package io.github.wecomkit.redis;

import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.testkit.FakeWeCom;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Several instances of one service against the testkit's FakeWeCom: each its own {@link WeComClient} and its own
 * {@link RedisTokenStore} (own Redis connections), all on the fake's clock. Logins use real single-use codes.
 */
final class Fleet implements AutoCloseable {
    static final String CORP = "wwfleet0000000001";
    static final String USER = "zhangsan";
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private static final AtomicInteger SECRETS = new AtomicInteger();

    final FakeWeCom wecom;
    final String secret;
    final List<RedisTokenStore> stores = new ArrayList<>();
    final List<WeComClient> clients = new ArrayList<>();
    /** A login holds it from issuing its code to its answer; moving the clock takes it exclusively. */
    private final ReadWriteLock clockLock = new ReentrantReadWriteLock();

    private Fleet(FakeWeCom wecom, String secret) {
        this.wecom = wecom;
        this.secret = secret;
    }

    /** {@code size} instances; {@code store} makes each one's store from the fake's clock. */
    static Fleet start(int size, Function<Clock, RedisTokenStore> store) {
        FakeWeCom wecom = FakeWeCom.builder().clock(Clock.fixed(T0, ZoneOffset.UTC)).start();
        String secret = "fleet-secret-" + SECRETS.incrementAndGet() + "-0123456789abcdefghijklmnopqrstuvwxyz";
        wecom.addCorp(CORP, secret).addMember(USER, "张三");
        Fleet fleet = new Fleet(wecom, secret);
        for (int i = 0; i < size; i++) {
            RedisTokenStore s = store.apply(wecom.clock());
            fleet.stores.add(s);
            fleet.clients.add(WeComClient.builder().corpId(CORP).secret(secret).baseUrl(wecom.baseUrl())
                    .tokenStore(s).clock(wecom.clock()).retryPolicy(RetryPolicy.none()).build());
        }
        return fleet;
    }

    /** The documented key: corp id and the first 16 hex characters of the secret's SHA-256. */
    String key() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "access_token:" + CORP + ":" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    int gettokenCalls() {
        return wecom.calls(FakeApi.GET_TOKEN);
    }

    /** Moves the fake's (and so every client's) clock, between logins: no code is issued before and used after. */
    void advance(Duration d) {
        clockLock.writeLock().lock();
        try {
            wecom.advance(d);
        } finally {
            clockLock.writeLock().unlock();
        }
    }

    /** One login on client {@code i} with a fresh code; returns the user id. */
    String login(int i) {
        clockLock.readLock().lock();
        try {
            return clients.get(i).login(wecom.issueCode(CORP, USER)).userId();
        } finally {
            clockLock.readLock().unlock();
        }
    }

    /** Each client once, one after the other. */
    void loginEach() {
        for (int i = 0; i < clients.size(); i++) {
            login(i);
        }
    }

    /** Steady logins on every client from {@code threadsPerClient} threads each, until {@link Load#stop()}. */
    Load startLoad(int threadsPerClient) {
        return new Load(threadsPerClient);
    }

    final class Load {
        final AtomicIntegerArray logins = new AtomicIntegerArray(clients.size());
        final AtomicInteger failures = new AtomicInteger();
        final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService pool;
        private final List<Future<?>> threads = new ArrayList<>();

        private Load(int threadsPerClient) {
            pool = Executors.newFixedThreadPool(clients.size() * threadsPerClient);
            for (int t = 0; t < clients.size() * threadsPerClient; t++) {
                int c = t % clients.size();
                threads.add(pool.submit(() -> {
                    while (running.get()) {
                        try {
                            if (!USER.equals(login(c))) {
                                throw new AssertionError("wrong user");
                            }
                            logins.incrementAndGet(c);
                        } catch (RuntimeException | AssertionError e) {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                        }
                    }
                }));
            }
        }

        /** Waits until every client answered {@code more} more logins. */
        void awaitLogins(int more) {
            int[] from = new int[logins.length()];
            for (int i = 0; i < from.length; i++) {
                from[i] = logins.get(i);
            }
            Eventually.await(more + " more logins on every client", Duration.ofSeconds(60), () -> {
                for (int i = 0; i < from.length; i++) {
                    if (logins.get(i) < from[i] + more) {
                        return false;
                    }
                }
                return true;
            });
        }

        long total() {
            long sum = 0;
            for (int i = 0; i < logins.length(); i++) {
                sum += logins.get(i);
            }
            return sum;
        }

        void stop() throws Exception {
            running.set(false);
            for (Future<?> f : threads) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
    }

    @Override
    public void close() {
        stores.forEach(RedisTokenStore::close);
        wecom.close();
    }
}
