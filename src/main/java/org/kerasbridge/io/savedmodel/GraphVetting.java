package org.kerasbridge.io.savedmodel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.kerasbridge.InvalidInputException;
import org.kerasbridge.UnsupportedFeatureException;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/**
 * Reads {@code saved_model.pb} before TensorFlow loads it (loading already runs the graph's
 * restore and init ops) and refuses a graph holding an op that touches the file system or the
 * network other than through the checkpoint ops every SavedModel has ({@code SaveV2},
 * {@code RestoreV2}, {@code MergeV2Checkpoints}): reading, writing or listing files, file-backed
 * readers and datasets, summary writers, debug ops with URLs, {@code PrintV2} to a file, and
 * Python callbacks. A model needs none of them to compute its outputs. The check covers the
 * graph and every function in its library.
 *
 * <p>It is a deny list: it removes the obvious file primitives, not every conceivable misuse of
 * a graph (the checkpoint ops themselves take a path). See the README's security model.
 */
final class GraphVetting {
  /** Ops that read, write or list files, or call out of TensorFlow. */
  static final Set<String> REFUSED = Set.of("ReadFile", "WriteFile", "MatchingFiles",
      "ImmutableConst", "WholeFileReader", "WholeFileReaderV2", "TextLineReader",
      "TextLineReaderV2", "TFRecordReader", "TFRecordReaderV2", "FixedLengthRecordReader",
      "FixedLengthRecordReaderV2", "LMDBReader", "IdentityReader", "IdentityReaderV2",
      "TextLineDataset", "TFRecordDataset", "TFRecordDatasetV2", "FixedLengthRecordDataset",
      "FixedLengthRecordDatasetV2", "LMDBDataset", "ExperimentalLMDBDataset", "SqlDataset",
      "ExperimentalSqlDataset", "CSVDataset", "CSVDatasetV2", "ExperimentalCSVDataset",
      "MatchingFilesDataset", "ExperimentalMatchingFilesDataset", "DatasetToTFRecord",
      "ExperimentalDatasetToTFRecord", "SaveDataset", "SaveDatasetV2", "LoadDataset",
      "ExperimentalSaveDataset", "ExperimentalLoadDataset", "Save", "SaveSlices", "Restore",
      "RestoreSlice", "WriteSummary", "WriteScalarSummary", "WriteHistogramSummary",
      "WriteImageSummary", "WriteAudioSummary", "WriteGraphSummary", "WriteRawProtoSummary",
      "CreateSummaryFileWriter", "CreateSummaryDbWriter", "ImportEvent", "DebugIdentity",
      "DebugIdentityV2", "DebugIdentityV3", "DebugNanCount", "DebugNumericSummary",
      "DebugNumericSummaryV2", "PyFunc", "PyFuncStateless", "EagerPyFunc",
      "FileSystemSetConfiguration", "RecordInput");

  private GraphVetting() {}

  /** Refuses {@code dir/saved_model.pb} when it holds a refused op, naming every one. */
  static void check(Path dir) {
    Path pb = dir.resolve("saved_model.pb");
    if (!Files.isRegularFile(pb)) {
      return; // a .pbtxt SavedModel: TensorFlow parses it; nothing to vet here
    }
    SavedModel sm;
    try {
      // From bytes, not a stream: protobuf's stream decoder throws IllegalStateException on some
      // corrupt length fields (found by bench/fuzz.sh), its array decoder a typed exception.
      long size = Files.size(pb);
      if (size > Integer.MAX_VALUE - 8) { // protobuf's own limit is 2 GiB
        throw new InvalidInputException(pb + ": " + size + " bytes; a SavedModel protocol buffer"
            + " holds at most 2 GiB");
      }
      org.kerasbridge.MemoryLimit.checkHeap(size, pb.toString());
      sm = SavedModel.parseFrom(Files.readAllBytes(pb));
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(pb + ": not a readable SavedModel protocol buffer: "
          + e.getMessage(), e);
    }
    List<String> malformed = new ArrayList<>();
    for (MetaGraphDef mg : sm.getMetaGraphsList()) {
      wellFormed(mg, malformed);
    }
    if (!malformed.isEmpty()) {
      throw new InvalidInputException(pb + ": not a well-formed TensorFlow graph: "
          + String.join("; ", malformed.subList(0, Math.min(10, malformed.size())))
          + (malformed.size() > 10 ? "; ... (" + malformed.size() + " problems)" : ""));
    }
    Set<String> found = new TreeSet<>();
    for (MetaGraphDef mg : sm.getMetaGraphsList()) {
      for (NodeDef n : mg.getGraphDef().getNodeList()) {
        vet(n, "graph", found);
      }
      for (FunctionDef f : mg.getGraphDef().getLibrary().getFunctionList()) {
        for (NodeDef n : f.getNodeDefList()) {
          vet(n, "function '" + f.getSignature().getName() + "'", found);
        }
      }
    }
    if (!found.isEmpty()) {
      List<String> items = new ArrayList<>(found);
      throw new UnsupportedFeatureException(dir + ": the SavedModel's graph holds ops that"
          + " touch files or run code outside TensorFlow, which KerasBridge does not load: "
          + String.join("; ", items.subList(0, Math.min(20, items.size())))
          + (items.size() > 20 ? "; ..." : ""), items);
    }
  }

  /**
   * The structure TensorFlow's importers take for granted: every node and function has a name,
   * unique in its scope, and an op; every input names a node (or, in a function, an argument) of
   * its own scope, as does every function output. TensorFlow checks most of this with an error,
   * but Grappler's MLIR importer dereferences a nameless function node and kills the JVM
   * (found by bench/fuzz.sh: a bit flip turned a function node's name into an input).
   */
  private static void wellFormed(MetaGraphDef mg, List<String> problems) {
    org.tensorflow.proto.GraphDef g = mg.getGraphDef();
    Set<String> nodes = new java.util.HashSet<>();
    for (NodeDef n : g.getNodeList()) {
      named(n, "the graph", nodes, problems);
    }
    for (NodeDef n : g.getNodeList()) {
      for (String in : n.getInputList()) {
        if (!nodes.contains(nodeOf(in))) {
          problems.add("node '" + n.getName() + "' in the graph reads '" + in
              + "', which names no node");
        }
      }
    }
    Set<String> functions = new java.util.HashSet<>();
    for (FunctionDef f : g.getLibrary().getFunctionList()) {
      String fn = f.getSignature().getName();
      if (fn.isEmpty() || !functions.add(fn)) {
        problems.add(fn.isEmpty() ? "a function without a name" : "two functions named '" + fn
            + "'");
        continue;
      }
      String where = "function '" + fn + "'";
      Set<String> scope = new java.util.HashSet<>();
      for (org.tensorflow.proto.OpDef.ArgDef a : f.getSignature().getInputArgList()) {
        if (a.getName().isEmpty() || !scope.add(a.getName())) {
          problems.add(where + " has an argument without a name or named twice");
        }
      }
      for (NodeDef n : f.getNodeDefList()) {
        named(n, where, scope, problems);
      }
      for (NodeDef n : f.getNodeDefList()) {
        for (String in : n.getInputList()) {
          if (!scope.contains(nodeOf(in))) {
            problems.add("node '" + n.getName() + "' in " + where + " reads '" + in
                + "', which names no node or argument of the function");
          }
        }
      }
      f.getRetMap().forEach((out, ref) -> {
        if (!scope.contains(nodeOf(ref))) {
          problems.add(where + " returns '" + ref + "' as '" + out
              + "', which names no node or argument of the function");
        }
      });
    }
  }

  /** The node (or function argument) an input or output reference names: "^a", "a:0", "a:out:1". */
  private static String nodeOf(String ref) {
    String r = ref.startsWith("^") ? ref.substring(1) : ref;
    int colon = r.indexOf(':');
    return colon < 0 ? r : r.substring(0, colon);
  }

  private static void named(NodeDef n, String where, Set<String> scope, List<String> problems) {
    if (n.getName().isEmpty()) {
      problems.add("a node without a name in " + where + " (op '" + n.getOp() + "')");
    } else if (!scope.add(n.getName())) {
      problems.add("two nodes named '" + n.getName() + "' in " + where);
    }
    if (n.getOp().isEmpty()) {
      problems.add("node '" + n.getName() + "' in " + where + " has no op");
    }
  }

  private static void vet(NodeDef n, String where, Set<String> found) {
    String op = n.getOp();
    if (REFUSED.contains(op)) {
      found.add(op + " (node '" + n.getName() + "' in " + where + ")");
    } else if (op.equals("PrintV2") && n.containsAttr("output_stream")
        && !n.getAttrOrThrow("output_stream").getS().toStringUtf8().startsWith("log")
        && !n.getAttrOrThrow("output_stream").getS().toStringUtf8().startsWith("std")) {
      found.add(op + " to '" + n.getAttrOrThrow("output_stream").getS().toStringUtf8()
          + "' (node '" + n.getName() + "' in " + where + ")");
    }
  }
}
