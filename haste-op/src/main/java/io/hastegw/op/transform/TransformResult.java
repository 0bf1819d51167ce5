package io.hastegw.op.transform;

import java.util.List;
import onnx.Onnx.ModelProto;

/**
 * The outcome of a transformation.
 *
 * @param model     the HASTE-enabled model (or the unchanged input when nothing was eligible)
 * @param info      its metadata; null when nothing was replaced
 * @param decisions one line per Conv: replaced, or why not
 * @param warnings  things the user should know (e.g. no eligible Conv)
 */
public record TransformResult(ModelProto model, HasteModelInfo info, List<String> decisions, List<String> warnings) {}
