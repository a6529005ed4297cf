package io.github.wecomkit.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts one {@link FakeWeCom} for a JUnit 5 test class and closes it after the class. The fake is injected
 * into every field of type {@code FakeWeCom} (static fields before {@code @BeforeAll}, instance fields before
 * each test) and into any parameter of that type (constructor, lifecycle and test methods). Nested classes share
 * their outer class's fake. State (corps, tokens, counters) lives as long as the class: reset counters with
 * {@link FakeWeCom#resetCalls()} where a test counts calls.
 *
 * <pre>{@code
 * @WeComTest
 * class LoginTest {
 *     FakeWeCom wecom;
 *
 *     @Test
 *     void login_returnsTheMember() {
 *         wecom.addCorp("wwcorp", "secret").addMember("zhangsan", "张三");
 *         ...
 *     }
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
}
