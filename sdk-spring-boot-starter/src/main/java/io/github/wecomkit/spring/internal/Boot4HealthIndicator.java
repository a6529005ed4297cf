package io.github.wecomkit.spring.internal;

import io.github.wecomkit.token.TokenStatus;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The {@code wecom} health indicator on Boot 4's health API (the module spring-boot-health). */
public final class Boot4HealthIndicator implements HealthIndicator {
    private final Supplier<List<TokenStatus>> statuses;

    /**
     * @param statuses the token status of every client, read at each check
     */
    public Boot4HealthIndicator(Supplier<List<TokenStatus>> statuses) {
        this.statuses = statuses;
    }

    @Override
    public Health health() {
        TokenHealth.Summary summary = TokenHealth.of(statuses.get());
        return (summary.up() ? Health.up() : Health.down()).withDetails(summary.details()).build();
    }
}
