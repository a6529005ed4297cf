package io.github.wecomkit.spring.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Boot's start-up failure report for a bad {@code wecom.*} property: the property, the rule it breaks and what to
 * set, instead of a stack trace through the bean factory. Registered in {@code META-INF/spring.factories}.
 */
public final class WeComConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<WeComConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, WeComConfigurationException cause) {
        return new FailureAnalysis("wecomkit is not configured correctly: the property " + cause.property() + " "
                + cause.problem() + ".", cause.action(), cause);
    }
}
