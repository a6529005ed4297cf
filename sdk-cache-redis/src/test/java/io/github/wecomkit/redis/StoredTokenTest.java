package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.wecomkit.token.AccessToken;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoredTokenTest {
    private static final Instant ISSUED = Instant.parse("2026-11-21T08:00:00Z");
    private static final Instant EXPIRES = ISSUED.plusSeconds(7200);

    @Test
    void encode_isIssuedAtExpiresAtThenToken() {
        AccessToken token = AccessToken.of("abc-DEF_123", ISSUED, EXPIRES);

        assertEquals(ISSUED.toEpochMilli() + ":" + EXPIRES.toEpochMilli() + ":abc-DEF_123", StoredToken.encode(token));
    }

    @Test
    void decode_roundTrips_evenWithColonsInTheToken() {
        AccessToken token = AccessToken.of("a:b::c:", ISSUED, EXPIRES);

        assertEquals(Optional.of(token), StoredToken.decode(StoredToken.encode(token)));
    }

    @Test
    void decode_foreignOrBrokenValues_readAsNoToken() {
        assertEquals(Optional.empty(), StoredToken.decode(null));
        assertEquals(Optional.empty(), StoredToken.decode(""));
        assertEquals(Optional.empty(), StoredToken.decode("\"quoted\""));
        assertEquals(Optional.empty(), StoredToken.decode("1:2"));
        assertEquals(Optional.empty(), StoredToken.decode("1:2:"));
        assertEquals(Optional.empty(), StoredToken.decode(":2:tok"));
        assertEquals(Optional.empty(), StoredToken.decode("x:2:tok"));
        assertEquals(Optional.empty(), StoredToken.decode("5:2:tok"), "expiresAt before issuedAt");
    }
}
