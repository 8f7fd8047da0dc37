package dev.flyregistry.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContextException;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * A JUnit 5 extension that starts one {@link FlyEmulator} per test class (shared with its
 * {@code @Nested} classes) and stops it after the class. The emulator is injected into test and
 * lifecycle method parameters of type {@code FlyEmulator}, and into fields of that type that are
 * still null (static fields before {@code @BeforeAll}, instance fields after construction).
 *
 * <pre>{@code
 * @ExtendWith(FlyEmulatorExtension.class)
 * class MyTest {
 *   @Test
 *   void pushes(FlyEmulator fly) { ... }
 * }
 *
 * class MyOtherTest {
 *   @RegisterExtension
 *   static final FlyEmulatorExtension FLY =
 *       new FlyEmulatorExtension(() -> FlyEmulator.builder().relativeLocations(true).start());
 * }
 * }</pre>
 */
public final class FlyEmulatorExtension
    implements BeforeAllCallback, TestInstancePostProcessor, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FlyEmulatorExtension.class);
  private static final String KEY = "emulator";

  private final Supplier<FlyEmulator> factory;
  private volatile FlyEmulator last;

  /** An extension that starts emulators with the default settings. */
  public FlyEmulatorExtension() {
    this(FlyEmulator::start);
  }

  /**
   * An extension that starts emulators with {@code factory} (such as {@code () ->
   * FlyEmulator.builder()...start()}).
   *
   * @param factory starts an emulator
   */
  public FlyEmulatorExtension(Supplier<FlyEmulator> factory) {
    this.factory = java.util.Objects.requireNonNull(factory, "factory");
  }

  /**
   * The emulator this extension started last, for {@code @RegisterExtension} fields.
   *
   * @return the emulator
   * @throws IllegalStateException before the extension has started one
   */
  public FlyEmulator emulator() {
    FlyEmulator e = last;
    if (e == null) {
      throw new IllegalStateException("the FlyEmulator has not been started yet (used too early?)");
    }
    return e;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    FlyEmulator e = emulatorFor(context);
    inject(context.getRequiredTestClass(), null, e);
  }

  @Override
  public void postProcessTestInstance(Object testInstance, ExtensionContext context)
      throws Exception {
    inject(testInstance.getClass(), testInstance, emulatorFor(context));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameterContext.getParameter().getType() == FlyEmulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    return emulatorFor(context);
  }

  private FlyEmulator emulatorFor(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    Holder h =
        classContext
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(KEY, k -> new Holder(factory.get()), Holder.class);
    last = h.emulator;
    return h.emulator;
  }

  private static void inject(Class<?> type, Object instance, FlyEmulator emulator)
      throws IllegalAccessException {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (f.getType() != FlyEmulator.class
            || Modifier.isFinal(f.getModifiers())
            || Modifier.isStatic(f.getModifiers()) != (instance == null)) {
          continue;
        }
        try {
          f.setAccessible(true);
        } catch (RuntimeException e) {
          throw new ExtensionContextException(
              "cannot inject the FlyEmulator into " + f + ": " + e.getMessage(), e);
        }
        if (f.get(instance) == null) {
          f.set(instance, emulator);
        }
      }
    }
  }

  /**
   * Closes the emulator when JUnit closes the class's store: as an {@code AutoCloseable} on JUnit
   * 5.13 and later (which warn about a {@code CloseableResource} alone), as a {@code
   * CloseableResource} on older versions. JUnit closes a value once, whichever it implements.
   */
  @SuppressWarnings("deprecation")
  private static final class Holder
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final FlyEmulator emulator;

    Holder(FlyEmulator emulator) {
      this.emulator = emulator;
    }

    @Override
    public void close() {
      emulator.close();
    }
  }
}
