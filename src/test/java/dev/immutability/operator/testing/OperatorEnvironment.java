package dev.immutability.operator.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Settings of the operator an {@link OperatorTestBase} class runs, as NAME=value, as the Deployment would set them. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OperatorEnvironment {
  String[] value();
}
