/**
 * Zod schemas for ComfyUI's HTTP answers (see docs/reference/comfyui-api.md §1). Lenient where servers differ by
 * version (extra fields pass through, optional fields may be missing), strict where the client relies on
 * a value.
 */
import { z } from 'zod';

const Obj = z.record(z.string(), z.unknown());

/** 200 from POST /prompt. */
export const PromptResponseSchema = z.looseObject({
  prompt_id: z.union([z.string(), z.number()]).transform(String),
  number: z.number(),
  node_errors: z.union([Obj, z.array(z.unknown())]).optional(),
});

const NodeErrorItemSchema = z.looseObject({
  type: z.string().catch('unknown'),
  message: z.string().catch(''),
  details: z.string().optional().catch(undefined),
  extra_info: z
    .looseObject({ input_name: z.string().optional().catch(undefined) })
    .optional()
    .catch(undefined),
});

const NodeErrorsSchema = z.looseObject({
  errors: z.array(NodeErrorItemSchema).catch([]),
  class_type: z.string().catch('unknown'),
  dependent_outputs: z.array(z.unknown()).optional().catch(undefined),
});

/** 400 from POST /prompt. Old servers send `error` as a string and `node_errors` as a list. */
export const PromptErrorBodySchema = z.looseObject({
  error: z.union([
    z.string().transform((s) => ({ type: s, message: s, details: '' })),
    z.looseObject({
      type: z.string().catch('unknown'),
      message: z.string().catch(''),
      details: z.string().catch(''),
    }),
  ]),
  node_errors: z.union([z.record(z.string(), NodeErrorsSchema), z.array(z.unknown()).transform(() => ({}))]).catch({}),
});
export type PromptErrorBody = z.infer<typeof PromptErrorBodySchema>;

/** `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
export const QueueItemSchema = z
  .tuple([z.number(), z.union([z.string(), z.number()]).transform(String)], z.unknown())
  .transform((t) => {
    const extra = t[3];
    const outputs = t[4];
    const clientId =
      typeof extra === 'object' && extra !== null && typeof (extra as { client_id?: unknown }).client_id === 'string'
        ? ((extra as { client_id: string }).client_id as string)
        : undefined;
    return {
      number: t[0],
      promptId: t[1],
      prompt: (typeof t[2] === 'object' && t[2] !== null ? t[2] : {}) as Record<string, unknown>,
      clientId,
      outputs: Array.isArray(outputs) ? outputs.map(String) : [],
    };
  });
export type QueueEntry = z.infer<typeof QueueItemSchema>;

export const QueueResponseSchema = z.looseObject({
  queue_running: z.array(QueueItemSchema),
  queue_pending: z.array(QueueItemSchema),
});

/** One file a node produced, as ComfyUI lists it in `executed.output` and history `outputs`. */
export const FileRefSchema = z.looseObject({
  filename: z.string().min(1),
  subfolder: z.string().catch(''),
  type: z.string().catch('output'),
});
export type FileRef = { filename: string; subfolder: string; type: string };

export const HistoryStatusSchema = z.looseObject({
  status_str: z.string().catch('unknown'),
  completed: z.boolean().catch(false),
  messages: z.array(z.tuple([z.string(), z.unknown()])).catch([]),
});

export const HistoryEntrySchema = z.looseObject({
  prompt: z.array(z.unknown()).optional().catch(undefined),
  outputs: z.record(z.string(), Obj).catch({}),
  status: HistoryStatusSchema.optional().catch(undefined),
  meta: Obj.optional().catch(undefined),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const HistoryResponseSchema = z.record(z.string(), HistoryEntrySchema);

export const UploadResponseSchema = z.looseObject({
  name: z.string().min(1),
  subfolder: z.string().catch(''),
  type: z.string().catch('input'),
});
export type UploadResult = { name: string; subfolder: string; type: string };

export const SystemStatsSchema = z.looseObject({
  system: z.looseObject({
    os: z.string().optional(),
    comfyui_version: z.string().optional(),
    python_version: z.string().optional(),
    pytorch_version: z.string().optional(),
    ram_total: z.number().optional(),
    ram_free: z.number().optional(),
  }),
  devices: z
    .array(
      z.looseObject({
        name: z.string(),
        type: z.string(),
        index: z.number().nullable().optional(),
        vram_total: z.number().optional(),
        vram_free: z.number().optional(),
        /** What ComfyUI's torch holds (reserved) and has free of that (comfyui-api.md §1 "GET /system_stats"). */
        torch_vram_total: z.number().optional(),
        torch_vram_free: z.number().optional(),
      }),
    )
    .catch([]),
});
export type SystemStats = z.infer<typeof SystemStatsSchema>;

export const FeaturesSchema = z.looseObject({
  supports_preview_metadata: z.boolean().optional(),
  max_upload_size: z.number().optional(),
});
export type Features = z.infer<typeof FeaturesSchema>;

export const ModelListSchema = z.array(z.string());

/**
 * GET /internal/folder_paths: folder name → the absolute folders ComfyUI reads it from, its own `models/<name>`
 * first. 0.3.64 answers a plain list per folder (test/fixtures/comfyui-0.3.64/internal-folder-paths.json); a
 * `[folders, extensions]` pair is read too.
 */
export const FolderPathsSchema = z.record(
  z.string(),
  z.union([z.array(z.string()), z.tuple([z.array(z.string())], z.unknown()).transform((t) => t[0])]),
);
export type FolderPaths = Record<string, string[]>;

/** GET /api/experiment/models: `[{name, folders}]` (test/fixtures/comfyui-0.3.64/experiment-models.json). */
export const ExperimentModelsSchema = z
  .array(z.looseObject({ name: z.string(), folders: z.array(z.string()) }))
  .transform((list): FolderPaths => Object.fromEntries(list.map((f) => [f.name, f.folders])));

export const NodeInfoSchema = z.looseObject({
  input: z
    .looseObject({
      required: Obj.optional(),
      optional: Obj.optional(),
      hidden: Obj.optional(),
    })
    .catch({}),
  output: z.array(z.unknown()).catch([]),
  output_node: z.boolean().catch(false),
  // The real 0.3.64 /object_info has `display_name: null` for 105 classes: tolerate any odd value here.
  name: z.string().optional().catch(undefined),
  display_name: z.string().optional().catch(undefined),
  category: z.string().optional().catch(undefined),
  description: z.string().optional().catch(undefined),
});
export type NodeInfo = z.infer<typeof NodeInfoSchema>;
export const ObjectInfoSchema = z.record(z.string(), NodeInfoSchema);
export type ObjectInfo = z.infer<typeof ObjectInfoSchema>;

/** Every file reference found in one history entry's outputs, in node order. */
export function fileRefsOf(outputs: Record<string, Record<string, unknown>>): Array<FileRef & { nodeId: string }> {
  const refs: Array<FileRef & { nodeId: string }> = [];
  for (const [nodeId, ui] of Object.entries(outputs)) {
    for (const value of Object.values(ui)) {
      if (!Array.isArray(value)) continue;
      for (const item of value) {
        const parsed = FileRefSchema.safeParse(item);
        if (parsed.success) {
          refs.push({
            nodeId,
            filename: parsed.data.filename,
            subfolder: parsed.data.subfolder,
            type: parsed.data.type,
          });
        }
      }
    }
  }
  return refs;
}
