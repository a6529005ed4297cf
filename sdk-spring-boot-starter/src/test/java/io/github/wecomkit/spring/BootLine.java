package io.github.wecomkit.spring;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * What differs between Boot 3 and Boot 4 for these tests, looked up by name, so that one set of test sources
 * compiles and runs on both lines (this module on Boot 3, spring-boot-tests-boot4 on Boot 4).
 */
final class BootLine {
    /** Boot's Redis auto-configuration: its own module and package since Boot 4. */
    static final Class<?> REDIS_AUTO_CONFIGURATION = first(
            "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
            "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration");

    /** Both lines' names, for {@code spring.autoconfigure.exclude}: Boot ignores a name that is not on the path. */
    static final String REDIS_EXCLUDES = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration,"
            + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration";

    /** 3 or 4. */
    static final int MAJOR = Integer.parseInt(org.springframework.boot.SpringBootVersion.getVersion().split("\\.")[0]);

    private BootLine() {
    }

    /** What a health indicator answered, read without naming either line's health classes. */
    record HealthReading(String status, Map<String, Object> details) {
    }

    @SuppressWarnings("unchecked")
    static HealthReading health(Object indicator) {
        try {
            Object health = indicator.getClass().getMethod("health").invoke(indicator);
            Object status = health.getClass().getMethod("getStatus").invoke(health);
            String code = (String) status.getClass().getMethod("getCode").invoke(status);
            return new HealthReading(code, (Map<String, Object>) health.getClass().getMethod("getDetails")
                    .invoke(health));
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("not a health indicator: " + indicator, e);
        }
    }

    private static Class<?> first(String... names) {
        for (String name : names) {
            try {
                return Class.forName(name, false, BootLine.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                // the other line's name
            }
        }
        throw new AssertionError("none of these classes is on the class path: " + String.join(", ", names));
    }
}
