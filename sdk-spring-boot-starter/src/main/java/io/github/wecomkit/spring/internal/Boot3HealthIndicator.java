package io.github.wecomkit.spring.internal;

import io.github.wecomkit.token.TokenStatus;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The {@code wecom} health indicator on Boot 3's health API. */
public final class Boot3HealthIndicator implements HealthIndicator {
    private final Supplier<List<TokenStatus>> statuses;

    /**
     * @param statuses the token status of every client, read at each check
     */
    public Boot3HealthIndicator(Supplier<List<TokenStatus>> statuses) {
        this.statuses = statuses;
    }

    @Override
    public Health health() {
        TokenHealth.Summary summary = TokenHealth.of(statuses.get());
        return (summary.up() ? Health.up() : Health.down()).withDetails(summary.details()).build();
    }
}
