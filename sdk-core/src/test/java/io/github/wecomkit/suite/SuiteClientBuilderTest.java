package io.github.wecomkit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builders refuse what cannot work, before anything goes on the wire, naming the option, never a secret. */
class SuiteClientBuilderTest {
    private static final String SECRET = "suite-secret-never-shown-0123456789";

    private SuiteClient.Builder valid() {
        return SuiteClient.builder().suiteId("wwsuite0000000001").suiteSecret(SECRET)
                .permanentCodeStore(new InMemoryPermanentCodeStore())
                .clock(MutableClock.startingAt("2026-11-21T08:00:00Z"));
    }

    @Test
    void requiredOptions_areNamed() {
        assertTrue(assertThrows(IllegalStateException.class, () -> SuiteClient.builder().build()).getMessage()
                .startsWith("suiteId is required"));
        assertTrue(assertThrows(IllegalStateException.class, () -> SuiteClient.builder().suiteId("wwsuite").build())
                .getMessage().startsWith("suiteSecret is required"));
        IllegalStateException codes = assertThrows(IllegalStateException.class,
                () -> SuiteClient.builder().suiteId("wwsuite").suiteSecret(SECRET).build());
        assertTrue(codes.getMessage().startsWith("permanentCodeStore is required"), codes.getMessage());
    }

    @Test
    void aDkTemplate_mustBeDeclaredACustomizedApp() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> valid().suiteId("dktemplate00000001").build());
        assertTrue(e.getMessage().contains("customizedApp(true)"), e.getMessage());
        try (SuiteClient template = valid().suiteId("dktemplate00000001").customizedApp(true).build()) {
            assertTrue(template.customizedApp());
            assertThrows(IllegalStateException.class, () -> template.login("code"));
        }
    }

    @Test
    void badValues_areRefusedAtOnce_withTheOptionsName() {
        assertEquals("suiteSecret == null",
                assertThrows(NullPointerException.class, () -> SuiteClient.builder().suiteSecret(null)).getMessage());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> SuiteClient.builder().suiteId(" "));
        assertEquals("suiteId is blank", blank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SuiteClient.builder().baseUrl("ftp://x"));
        assertThrows(IllegalArgumentException.class, () -> SuiteClient.builder().requestTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> SuiteClient.builder().provider("wwprovider", " "));
    }

    @Test
    void badCallInput_isRefusedBeforeAnyCall() {
        try (SuiteClient suite = valid().baseUrl("http://127.0.0.1:9").build()) {
            assertThrows(IllegalArgumentException.class, () -> suite.install(""));
            assertThrows(NullPointerException.class, () -> suite.login(null));
            assertThrows(IllegalArgumentException.class, () -> suite.corp("bad\tcorp"));
            assertThrows(IllegalArgumentException.class, () -> suite.addCorp("wwcorp", ""));
            assertThrows(IllegalStateException.class, suite::provider);
            // No ticket: the missing ticket is reported, not a connection failure to port 9.
            assertThrows(SuiteTicketMissingException.class, suite::preAuthCode);
        }
    }

    @Test
    void toStrings_showIdsAndTypes_neverSecrets() {
        SuiteClient.Builder b = valid().provider("wwprovider0000001", "provider-secret-never-shown");
        assertFalse(b.toString().contains(SECRET));
        try (SuiteClient suite = b.build()) {
            assertTrue(suite.toString().contains("wwsuite0000000001"), suite.toString());
            assertFalse(suite.toString().contains(SECRET));
            assertFalse(suite.provider().toString().contains("provider-secret"));
        }
    }

    @Test
    void aClosedClient_refusesCalls() {
        SuiteClient suite = valid().build();
        suite.close();
        suite.close();
        assertThrows(IllegalStateException.class, () -> suite.corp("wwcorp"));
    }

    @Test
    void theCallbackHandler_needsACallbackThatAcceptsTheSuiteId() {
        try (SuiteClient suite = valid().build()) {
            WeComCallback forACorp = WeComCallback.builder().token("token")
                    .encodingAesKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").receiveIds("wwcorp").build();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SuiteCallbackHandler.builder().suite(suite).callback(forACorp).build());
            assertTrue(e.getMessage().contains("wwsuite0000000001"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> SuiteCallbackHandler.builder().suite(suite).build());
        }
    }
}
