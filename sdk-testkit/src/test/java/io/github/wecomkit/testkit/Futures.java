package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Reading the outcome of an async call in a test, with a generous "not hung" bound. */
final class Futures {
    private Futures() {
    }

    static <T> T value(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** The future fails with exactly {@code type}: seen directly by a handler, and as the cause of get(). */
    static <T extends Throwable> T failure(CompletableFuture<?> future, Class<T> type) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        assertInstanceOf(type, e.getCause());
        Throwable seen = future.handle((r, x) -> x).join();
        assertFalse(seen instanceof CompletionException, "a handler sees the typed exception, not a wrapper");
        return type.cast(seen);
    }
}
