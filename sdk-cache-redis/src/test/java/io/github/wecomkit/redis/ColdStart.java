package io.github.wecomkit.redis;

import java.time.Duration;

/**
 * Run in a fresh JVM by {@link RedisStoreStartAndCloseIT}: the first store of a JVM, built for a port nobody
 * listens on, and its first call right away. Prints how that call failed on one line.
 */
final class ColdStart {
    private ColdStart() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Duration connectTimeout = Duration.ofMillis(Long.parseLong(args[1]));
        long start = System.nanoTime();
        try (RedisTokenStore store = RedisTokenStore.builder().redisUri("redis://127.0.0.1:" + port)
                .connectTimeout(connectTimeout).build()) {
            store.get("access_token:wwcold:0123456789abcdef");
            System.out.println("RESULT no failure");
        } catch (RedisStoreException e) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("RESULT " + millis + " ms: " + e.getMessage());
        }
    }
}
