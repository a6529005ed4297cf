package io.github.wecomkit.internal;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Host name to addresses. The JDK's lookup blocks for as long as the system resolver takes (several seconds per
 * unanswered DNS server), and nothing in {@link InetAddress} bounds it, so {@link #resolve(Resolver, String, long)}
 * runs it on a small shared daemon pool and waits only until the connect deadline. This happens once per new
 * connection, never per request on a pooled one. Tests inject their own resolver (several addresses, a hung DNS).
 */
@FunctionalInterface
interface Resolver {
    /** The system resolver, with the JDK's own address cache. */
    Resolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] lookup(String host) throws UnknownHostException;

    /**
     * @return every address of {@code host}, in the resolver's order
     * @throws UnknownHostException   the name does not resolve
     * @throws SocketTimeoutException the lookup did not finish by {@code deadlineNanos}
     */
    static InetAddress[] resolve(Resolver resolver, String host, long deadlineNanos)
            throws UnknownHostException, SocketTimeoutException {
        if (isLiteral(host)) {
            return InetAddress.getAllByName(host); // parsed, no lookup
        }
        Future<InetAddress[]> lookup = Pool.INSTANCE.submit(() -> resolver.lookup(host));
        try {
            InetAddress[] addresses = lookup.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (addresses == null || addresses.length == 0) {
                throw new UnknownHostException(host);
            }
            return addresses;
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new SocketTimeoutException("DNS lookup did not finish within the connect timeout");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException) {
                throw (UnknownHostException) e.getCause();
            }
            UnknownHostException failure = new UnknownHostException(host);
            failure.initCause(e.getCause());
            throw failure;
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            throw new SocketTimeoutException("interrupted during the DNS lookup");
        }
    }

    /** An IPv4 or IPv6 literal: {@link InetAddress#getAllByName(String)} parses it without a lookup. */
    static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return !host.isEmpty();
    }

    /**
     * Lookups are rare (one per new connection) and short; four threads serve every client in the JVM. A lookup
     * that hangs holds one thread until the system resolver gives up, while its caller has long moved on.
     */
    final class Pool {
        static final ThreadPoolExecutor INSTANCE;

        static {
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(r, "wecomkit-dns-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            INSTANCE = pool;
        }

        private Pool() {
        }
    }
}
