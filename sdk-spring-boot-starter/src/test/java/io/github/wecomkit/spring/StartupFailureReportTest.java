package io.github.wecomkit.spring;

import static io.github.wecomkit.spring.WeComAutoConfigurationTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.wecomkit.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * What an operator sees when a property is missing: Boot's "APPLICATION FAILED TO START" report from the
 * starter's failure analyzer (registered in spring.factories), naming the property, never the secret.
 */
class StartupFailureReportTest {

    @Test
    void aMissingCorpId_stopsTheApplication_withBootsReportNamingIt_andNotTheSecret() {
        LogCapture.clear();

        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "spring.autoconfigure.exclude=" + BootLine.REDIS_EXCLUDES,
                        "wecom.secret=" + SECRET).run().close())
                .hasStackTraceContaining("wecom.corp-id");

        String logged = LogCapture.allText();
        assertThat(logged).contains("APPLICATION FAILED TO START", "the property wecom.corp-id is missing",
                "WECOM_CORPID").doesNotContain(SECRET);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
