package io.github.wecomkit.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/** This module's tests really run on Boot 4, with the starter jar built against Boot 3. */
class BootLineTest {
    @Test
    void theTestsRunOnBoot4_andTheStarterComesFromItsJar() throws Exception {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.");
        String starter = io.github.wecomkit.spring.WeComAutoConfiguration.class.getProtectionDomain().getCodeSource()
                .getLocation().getPath();
        assertThat(starter).contains("sdk-spring-boot-starter");
        assertThat(Class.forName("org.springframework.boot.health.contributor.HealthIndicator")).isNotNull();
    }
}
