import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Harness (not from the docs): the README's quick start, run as a newcomer first runs it, without WECOM_SECRET. */
class QuickStartHarnessTest {
    @Test
    void readmeLoginService_withWecomSecretUnset_saysWhatIsMissing() {
        assertNull(System.getenv("WECOM_SECRET"), "ConsumerBuildIT runs this build without WECOM_SECRET");
        IllegalStateException e = assertThrows(IllegalStateException.class, LoginService::new);
        assertTrue(e.getMessage().startsWith("secret is required, but secret(null) was called"), e.getMessage());
        assertTrue(e.getMessage().contains("WECOM_SECRET"), e.getMessage());
    }
}
