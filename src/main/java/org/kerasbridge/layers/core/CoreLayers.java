package org.kerasbridge.layers.core;

import java.util.Map;
import org.kerasbridge.layers.LayerFactory;

/** The Keras class names this package implements, for the layer registry. */
public final class CoreLayers {
  private CoreLayers() {}

  public static void register(Map<String, LayerFactory> r) {
    r.put("InputLayer", (c, ctx) -> new InputLayer(c));
    r.put("Dense", (c, ctx) -> new Dense(c));
    r.put("Activation", (c, ctx) -> new Activation(c));
    r.put("Dropout", (c, ctx) -> new Dropout(c));
    r.put("SpatialDropout1D", (c, ctx) -> new SpatialDropout(c, 1));
    r.put("SpatialDropout2D", (c, ctx) -> new SpatialDropout(c, 2));
    r.put("SpatialDropout3D", (c, ctx) -> new SpatialDropout(c, 3));
    r.put("GaussianNoise", (c, ctx) -> new GaussianNoise(c, GaussianNoise.Kind.NOISE));
    r.put("GaussianDropout", (c, ctx) -> new GaussianNoise(c, GaussianNoise.Kind.DROPOUT));
    r.put("AlphaDropout", (c, ctx) -> new GaussianNoise(c, GaussianNoise.Kind.ALPHA_DROPOUT));
    r.put("Identity", (c, ctx) -> new Identity(c));
    r.put("LayerScale", (c, ctx) -> new LayerScale(c));
    r.put("Rescaling", (c, ctx) -> new Rescaling(c));
    for (String augmentation : new String[] {"RandomFlip", "RandomRotation", "RandomZoom",
        "RandomTranslation", "RandomContrast", "RandomBrightness"}) {
      r.put(augmentation, (c, ctx) -> new RandomAugmentation(c));
    }
    r.put("Flatten", (c, ctx) -> new Flatten(c));
    r.put("ReLU", (c, ctx) -> new ReLU(c));
    r.put("LeakyReLU", (c, ctx) -> new LeakyReLU(c));
    r.put("ELU", (c, ctx) -> new ELU(c));
    r.put("PReLU", (c, ctx) -> new PReLU(c));
    r.put("Softmax", (c, ctx) -> new Softmax(c));
    r.put("ActivityRegularization", (c, ctx) -> new ActivityRegularization(c));
  }
}
