package io.github.wecomkit.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link WeComTest}: one {@link FakeWeCom} per test class, {@linkplain FakeWeCom#reset()
 * reset} before each test, injected into fields and parameters of type {@code FakeWeCom}. Use {@code @WeComTest};
 * register this class directly only to combine it with other extensions in an order of your choosing (it then
 * resets before each test, as {@code @WeComTest} does by default).
 *
 * <pre>{@code
 * @ExtendWith(FakeWeComExtension.class)
 * class MyTest {
 *     @Test
 *     void works(FakeWeCom wecom) { ... }
 * }
 * }</pre>
 */
public final class FakeWeComExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        TestInstancePostProcessor, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FakeWeComExtension.class);
    private static final String KEY = "fakeWeCom";
    private static final String PARALLEL = "junit.jupiter.execution.parallel.enabled";

    /** Created by JUnit. */
    public FakeWeComExtension() {
    }

    /** The class's fake and whether each test gets it reset; kept in the class's store. */
    private static final class Fixture {
        final FakeWeCom wecom;
        final boolean resetBeforeEachTest;

        Fixture(FakeWeCom wecom, boolean resetBeforeEachTest) {
            this.wecom = wecom;
            this.resetBeforeEachTest = resetBeforeEachTest;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        // A nested class finds its outer class's fake through the parent store, and shares it.
        Fixture fixture = context.getStore(NAMESPACE).get(KEY, Fixture.class);
        if (fixture == null) {
            fixture = start(context.getRequiredTestClass());
            context.getStore(NAMESPACE).put(KEY, fixture);
        }
        inject(context.getRequiredTestClass(), null, fixture.wecom);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // remove() only looks at this class's own level, so a nested class never closes its outer class's fake.
        Fixture fixture = context.getStore(NAMESPACE).remove(KEY, Fixture.class);
        if (fixture != null) {
            fixture.wecom.close();
        }
    }

    /**
     * Runs before the test's {@code @BeforeEach} methods, so those set up the world of a fake that is clean.
     * Tests of one class that ran at the same time would reset each other's world: refused, with the way out.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        Fixture fixture = fixture(context);
        if (!fixture.resetBeforeEachTest) {
            return;
        }
        if (context.getExecutionMode() == ExecutionMode.CONCURRENT
                && context.getConfigurationParameter(PARALLEL).map(Boolean::parseBoolean).orElse(false)) {
            throw new ExtensionConfigurationException("@WeComTest resets the one FakeWeCom of "
                    + context.getRequiredTestClass().getName() + " before each test, so that class's tests must not"
                    + " run concurrently: annotate it with @Execution(ExecutionMode.SAME_THREAD) (test classes may"
                    + " still run in parallel, each has its own fake), or start a FakeWeCom per test with"
                    + " FakeWeCom.start()");
        }
        fixture.wecom.reset();
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws IllegalAccessException {
        inject(testInstance.getClass(), testInstance, fixture(context).wecom);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == FakeWeCom.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return fixture(extensionContext).wecom;
    }

    private static Fixture fixture(ExtensionContext context) {
        Fixture fixture = context.getStore(NAMESPACE).get(KEY, Fixture.class);
        if (fixture == null) {
            throw new ExtensionConfigurationException("no FakeWeCom for " + context.getDisplayName()
                    + ": annotate the test class with @WeComTest");
        }
        return fixture;
    }

    private static Fixture start(Class<?> testClass) {
        WeComTest config = AnnotationSupport.findAnnotation(testClass, WeComTest.class).orElse(null);
        FakeWeCom.Builder builder = FakeWeCom.builder();
        if (config != null) {
            builder.tokenLifetime(Duration.ofSeconds(config.tokenLifetimeSeconds()))
                    .gettokenLimitPerMinute(config.gettokenLimitPerMinute());
        }
        return new Fixture(builder.start(), config == null || config.resetBeforeEachTest());
    }

    private static void inject(Class<?> type, Object instance, FakeWeCom wecom) throws IllegalAccessException {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                boolean isStatic = Modifier.isStatic(field.getModifiers());
                if (field.getType() != FakeWeCom.class || isStatic != (instance == null)) {
                    continue;
                }
                if (Modifier.isFinal(field.getModifiers())) {
                    throw new ExtensionConfigurationException("cannot inject FakeWeCom into final field " + field);
                }
                field.setAccessible(true);
                field.set(instance, wecom);
            }
        }
    }
}
