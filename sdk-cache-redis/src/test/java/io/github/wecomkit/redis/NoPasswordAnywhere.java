package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.wecomkit.testing.LogCapture;
import java.util.List;

/** The check after each test with passwords: none in a store's toString(), a log line or an exception. */
final class NoPasswordAnywhere {
    private NoPasswordAnywhere() {
    }

    /** Closes {@code closing} after reading their toString(), then checks the captured logs and {@code thrown}. */
    static void check(List<String> passwords, List<? extends AutoCloseable> closing, List<Throwable> thrown)
            throws Exception {
        for (AutoCloseable c : closing) {
            assertNone(passwords, c.toString());
            c.close();
        }
        assertNone(passwords, LogCapture.allText());
        for (Throwable t : thrown) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                assertNone(passwords, String.valueOf(c.getMessage()));
                assertNone(passwords, c.toString());
            }
        }
    }

    static void assertNone(List<String> passwords, String text) {
        for (String password : passwords) {
            assertFalse(text.contains(password), () -> "a password appears in: " + text);
        }
    }
}
