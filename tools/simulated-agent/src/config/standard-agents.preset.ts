/** The three agents `--preset standard` runs, as the issue names them. */
export const STANDARD_AGENTS: readonly { readonly name: string; readonly port: number; readonly models: readonly string[] }[] = [
  { name: 'acacia', port: 11501, models: ['deepseek-r1:7b'] },
  { name: 'walnut', port: 11502, models: ['starcoder2:15b'] },
  { name: 'ironwood', port: 11503, models: ['deepseek-coder-v2'] },
];
