package io.github.wecomkit.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link WeComTest}: one {@link FakeWeCom} per test class, injected into fields
 * and parameters of type {@code FakeWeCom}. Use {@code @WeComTest}; register this class directly only to combine
 * it with other extensions in an order of your choosing.
 *
 * <pre>{@code
 * @ExtendWith(FakeWeComExtension.class)
 * class MyTest {
 *     @Test
 *     void works(FakeWeCom wecom) { ... }
 * }
 * }</pre>
 */
public final class FakeWeComExtension
        implements BeforeAllCallback, AfterAllCallback, TestInstancePostProcessor, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FakeWeComExtension.class);
    private static final String KEY = "fakeWeCom";

    /** Created by JUnit. */
    public FakeWeComExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        // A nested class finds its outer class's fake through the parent store, and shares it.
        FakeWeCom existing = context.getStore(NAMESPACE).get(KEY, FakeWeCom.class);
        FakeWeCom wecom = existing;
        if (wecom == null) {
            wecom = start(context.getRequiredTestClass());
            context.getStore(NAMESPACE).put(KEY, wecom);
        }
        inject(context.getRequiredTestClass(), null, wecom);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // remove() only looks at this class's own level, so a nested class never closes its outer class's fake.
        FakeWeCom wecom = context.getStore(NAMESPACE).remove(KEY, FakeWeCom.class);
        if (wecom != null) {
            wecom.close();
        }
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws IllegalAccessException {
        inject(testInstance.getClass(), testInstance, fake(context));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == FakeWeCom.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return fake(extensionContext);
    }

    private static FakeWeCom fake(ExtensionContext context) {
        FakeWeCom wecom = context.getStore(NAMESPACE).get(KEY, FakeWeCom.class);
        if (wecom == null) {
            throw new ExtensionConfigurationException("no FakeWeCom for " + context.getDisplayName()
                    + ": annotate the test class with @WeComTest");
        }
        return wecom;
    }

    private static FakeWeCom start(Class<?> testClass) {
        WeComTest config = AnnotationSupport.findAnnotation(testClass, WeComTest.class).orElse(null);
        FakeWeCom.Builder builder = FakeWeCom.builder();
        if (config != null) {
            builder.tokenLifetime(Duration.ofSeconds(config.tokenLifetimeSeconds()))
                    .gettokenLimitPerMinute(config.gettokenLimitPerMinute());
        }
        return builder.start();
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
