/**
 * Jobs keep their request resolved once (params already; now the LoRA and the model file of each model setting
 * too), and users remember whether they chose a delivery themselves (so a server's default applies otherwise).
 * Old jobs: a LoRA kept in params (`lora`, `lora_strength`) moves to its column; their models stay `{}` (the
 * manifest defaults apply, as before for anyone who never chose a model).
 */
export default {
  version: 4,
  name: 'resolved-requests',
  sql: /* sql */ `
ALTER TABLE jobs ADD COLUMN lora TEXT CHECK (lora IS NULL OR json_valid(lora));
ALTER TABLE jobs ADD COLUMN models TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(models));
UPDATE jobs SET lora = json_object('name', json_extract(params, '$.lora'),
                                   'strength', COALESCE(json_extract(params, '$.lora_strength'), 1.0))
  WHERE json_type(params, '$.lora') = 'text' AND json_extract(params, '$.lora') <> '';
UPDATE jobs SET params = json_remove(params, '$.lora', '$.lora_strength')
  WHERE json_type(params, '$.lora') IS NOT NULL OR json_type(params, '$.lora_strength') IS NOT NULL;
ALTER TABLE users ADD COLUMN delivery_chosen INTEGER NOT NULL DEFAULT 0;
UPDATE users SET delivery_chosen = 1 WHERE default_delivery <> 'channel';
`,
};
