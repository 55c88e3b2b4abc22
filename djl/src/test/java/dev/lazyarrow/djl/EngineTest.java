package dev.lazyarrow.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class EngineTest {
  @Test
  void pyTorch_runsFromTheClasspathJars() {
    Engine engine = Engine.getInstance();
    assertEquals("PyTorch", engine.getEngineName());
    assertEquals("2.7.1", engine.getVersion());
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
      NDArray product = a.matMul(a.transpose());
      assertArrayEquals(new float[] {5, 11, 11, 25}, product.toFloatArray());
    }
  }
}
