package io.github.wecomkit.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives every test of a JUnit 5 class a clean {@link FakeWeCom}: one fake is started before the class, reset
 * ({@link FakeWeCom#reset()}) before each test and before its {@code @BeforeEach} methods, and closed after the
 * class. Because it stays on one port, clients built once for the class keep pointing at it. The fake is
 * injected into every field of type {@code FakeWeCom} (static fields before {@code @BeforeAll}, instance fields
 * before each test) and into any parameter of that type (constructor, lifecycle and test methods). Nested
 * classes share their outer class's fake, reset before each of their tests too.
 *
 * <pre>{@code
 * @WeComTest
 * class LoginTest {
 *     FakeWeCom wecom;
 *
 *     @BeforeEach
 *     void setUp() {
 *         wecom.addCorp("wwcorp", "secret").addMember("zhangsan", "张三");   // every test starts from this
 *     }
 *     ...
 * }
 * }</pre>
 *
 * <p>Needs {@code junit-jupiter-api} on the test classpath; wecomkit-testkit declares it optional, so it does not
 * bring JUnit to projects that do not use this annotation.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(FakeWeComExtension.class)
public @interface WeComTest {
    /** @return how long the fake's tokens live, in seconds; default 7200 */
    long tokenLifetimeSeconds() default 7200;

    /** @return how many gettoken calls per corp per minute the fake allows before 45009 */
    int gettokenLimitPerMinute() default FakeWeCom.DEFAULT_GETTOKEN_LIMIT_PER_MINUTE;

    /**
     * @return whether the fake is reset before each test (default {@code true}); {@code false} keeps one world for
     *     the whole class, e.g. one set up once in {@code @BeforeAll}, and its tests then share corps, tokens,
     *     counters and the clock
     */
    boolean resetBeforeEachTest() default true;
}
