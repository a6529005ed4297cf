package io.github.wecomkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    private static SessionTokens at(Instant now) {
        return new SessionTokens(KEY, Duration.ofHours(2), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void verify_ofAnIssuedToken_returnsItsSubject() {
        SessionTokens.Subject s = at(T0).verify(at(T0).issue("wwcorp", "zhangsan")).orElseThrow();
        assertEquals("wwcorp", s.corpId());
        assertEquals("zhangsan", s.userId());
        assertEquals(T0.plus(Duration.ofHours(2)), s.expiresAt());
    }

    @Test
    void verify_afterTheLifetime_rejects() {
        String token = at(T0).issue("wwcorp", "zhangsan");
        assertTrue(at(T0.plus(Duration.ofHours(2)).minusSeconds(1)).verify(token).isPresent());
        assertTrue(at(T0.plus(Duration.ofHours(2))).verify(token).isEmpty());
    }

    @Test
    void verify_ofATamperedOrForeignToken_rejects() {
        String token = at(T0).issue("wwcorp", "zhangsan");
        String otherPayload = at(T0).issue("wwcorp", "lisi").split("\\.")[0];
        assertTrue(at(T0).verify(otherPayload + "." + token.split("\\.")[1]).isEmpty());
        byte[] otherKey = KEY.clone();
        otherKey[0] = 8;
        assertTrue(new SessionTokens(otherKey, Duration.ofHours(2), Clock.fixed(T0, ZoneOffset.UTC))
                .verify(token).isEmpty());
        assertTrue(at(T0).verify("garbage").isEmpty());
        assertTrue(at(T0).verify("a.b.c").isEmpty());
        assertTrue(at(T0).verify(null).isEmpty());
    }

    @Test
    void constructor_rejectsAShortKey() {
        assertThrows(IllegalArgumentException.class,
                () -> new SessionTokens(new byte[16], Duration.ofHours(1), Clock.systemUTC()));
    }
}
