package org.kerasbridge.layers.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.kerasbridge.UnsupportedFeatureException;
import org.kerasbridge.layers.CallContext;
import org.kerasbridge.layers.DTypePolicy;
import org.kerasbridge.layers.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3's random image augmentation layers: {@code RandomFlip}, {@code RandomRotation},
 * {@code RandomZoom}, {@code RandomTranslation}, {@code RandomContrast}, {@code
 * RandomBrightness}. Keras applies them only in training; at inference each returns its input,
 * the geometric ones (flip, rotation, zoom, translation) cast to the compute dtype first, as
 * their {@code transform_images} does. That is what {@code predict} and {@code evaluate} run
 * here.
 *
 * <p>Their training transforms (random affine warps with reflect/wrap/constant/nearest fill,
 * contrast and brightness jitter) are not implemented, so training a model that holds one is
 * refused with an {@link UnsupportedFeatureException} naming the layers (see
 * {@link org.kerasbridge.model.KerasModel#fit}), never silently trained without augmentation.
 * The config is still checked: an unknown mode, fill mode or interpolation is reported as Keras
 * would refuse it.
 */
public final class RandomAugmentation extends ElementwiseLayer {
  private final boolean castsToComputeDtype;

  public RandomAugmentation(LayerConfig c) {
    super(c);
    String cls = c.className();
    castsToComputeDtype = !cls.equals("RandomContrast") && !cls.equals("RandomBrightness");
    c.getChoice("data_format", "channels_last", "channels_last", "channels_first");
    switch (cls) {
      case "RandomFlip":
        c.getChoice("mode", "horizontal_and_vertical", "horizontal", "vertical",
            "horizontal_and_vertical");
        break;
      case "RandomRotation":
        factor(c, "factor");
        affine(c);
        break;
      case "RandomZoom":
      case "RandomTranslation":
        factor(c, "height_factor");
        factor(c, "width_factor");
        affine(c);
        break;
      case "RandomContrast":
      case "RandomBrightness":
        factor(c, "factor");
        JsonNode r = c.node("value_range");
        if (r != null && !(r.isArray() && r.size() == 2 && r.get(0).isNumber()
            && r.get(1).isNumber())) {
          c.unsupported("value_range", r, "a pair of numbers");
        }
        c.ignore("value_range");
        break;
      default:
        throw new IllegalArgumentException(cls);
    }
    c.requireNeutral("bounding_box_format", null);
    c.ignore("seed");
    c.finish();
  }

  /** The random range: a number or a pair of numbers (null for an absent width factor). */
  private static void factor(LayerConfig c, String key) {
    JsonNode f = c.node(key);
    boolean ok = f == null || f.isNull() || f.isNumber()
        || (f.isArray() && f.size() == 2 && f.get(0).isNumber() && f.get(1).isNumber());
    if (!ok) {
      c.unsupported(key, f, "a number or a pair of numbers");
    }
    c.ignore(key);
  }

  private static void affine(LayerConfig c) {
    c.getChoice("fill_mode", "reflect", "reflect", "wrap", "constant", "nearest");
    c.getChoice("interpolation", "bilinear", "nearest", "bilinear");
    c.getDouble("fill_value", 0.0);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x, CallContext ctx) {
    if (ctx.training()) {
      throw new UnsupportedFeatureException(trainingRefusal());
    }
    return castsToComputeDtype ? DTypePolicy.cast(tf, x, policy().computeType()) : x;
  }

  /** Why a model holding this layer cannot be trained here. */
  public String trainingRefusal() {
    return config.where() + " augments images at random in training, which KerasBridge does not"
        + " implement (it is the identity at inference, so predict and evaluate work)";
  }
}
