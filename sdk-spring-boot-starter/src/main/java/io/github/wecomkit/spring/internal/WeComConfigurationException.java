package io.github.wecomkit.spring.internal;

import java.util.Objects;

/**
 * A {@code wecom.*} property is missing or malformed. Thrown while the application starts;
 * {@link WeComConfigurationFailureAnalyzer} turns it into Boot's start-up failure report. The message names the
 * property and the rule it breaks, never its value.
 */
public final class WeComConfigurationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final String problem;
    private final String action;

    /**
     * @param property the full property name, e.g. {@code wecom.secret}
     * @param problem  what is wrong, without the value, e.g. {@code "is missing"}
     * @param action   what to do about it
     */
    public WeComConfigurationException(String property, String problem, String action) {
        super(Objects.requireNonNull(property, "property == null") + " " + Objects.requireNonNull(problem,
                "problem == null"));
        this.property = property;
        this.problem = problem;
        this.action = Objects.requireNonNull(action, "action == null");
    }

    /** @return the property, e.g. {@code wecom.corp-id} */
    public String property() {
        return property;
    }

    /** @return what is wrong with it */
    public String problem() {
        return problem;
    }

    /** @return what to do about it */
    public String action() {
        return action;
    }
}
