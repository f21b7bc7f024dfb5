/** Types of aliases.config.mjs: alias name → absolute folder. */
export declare const aliases: Readonly<Record<'@shared' | '@core' | '@test', string>>;
