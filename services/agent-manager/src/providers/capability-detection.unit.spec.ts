import { detectCapabilities, mergeCapabilities } from './capability-detection';

describe('detectCapabilities', () => {
  it.each([
    ['deepseek-r1:7b', { reasoning: 0.9, code_review: 0.85, analysis: 0.8 }],
    ['starcoder2:15b', { code_generation: 0.9, code_completion: 0.85 }],
    ['deepseek-coder-v2', { code_generation: 0.9, code_review: 0.85, debugging: 0.8 }],
    ['deepseek-coder:6.7b', { code_generation: 0.9, code_review: 0.85, debugging: 0.8 }],
    ['codellama:13b', { code_generation: 0.8, code_completion: 0.8, debugging: 0.7 }],
    ['qwen2.5-coder:14b', { code_generation: 0.88, code_completion: 0.85, code_review: 0.8 }],
    ['qwen2.5:7b', { general: 0.8, chat: 0.8, reasoning: 0.7 }],
    ['llama3.1:8b', { general: 0.8, chat: 0.85 }],
    ['mistral:7b', { general: 0.75, chat: 0.8 }],
    ['phi3:mini', { general: 0.65, reasoning: 0.6 }],
    ['gemma2:9b', { general: 0.7, chat: 0.75 }],
    ['codegemma:7b', { code_generation: 0.75, code_completion: 0.8 }],
    ['nomic-embed-text:latest', { embedding: 0.9 }],
    ['mxbai-embed-large', { embedding: 0.9 }],
    ['llava:13b', { vision: 0.8 }],
  ])('%s', (model, expected) => {
    expect(Object.fromEntries(detectCapabilities([model]).map((c) => [c.name, c.proficiency]))).toEqual(expected);
  });

  it('does not mistake codellama for llama3, or codegemma for gemma', () => {
    expect(detectCapabilities(['codellama:7b']).map((c) => c.name)).not.toContain('chat');
    expect(detectCapabilities(['codegemma:2b']).map((c) => c.name)).not.toContain('general');
  });

  it('reads names with a registry or namespace and any case', () => {
    expect(detectCapabilities(['hf.co/bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF:Q4_K_M'])[0]).toEqual({ name: 'reasoning', proficiency: 0.9 });
  });

  it('keeps each capability at its best proficiency across models, sorted by proficiency', () => {
    expect(detectCapabilities(['codellama:7b', 'deepseek-coder-v2', 'nomic-embed-text'])).toEqual([
      { name: 'code_generation', proficiency: 0.9 },
      { name: 'embedding', proficiency: 0.9 },
      { name: 'code_review', proficiency: 0.85 },
      { name: 'code_completion', proficiency: 0.8 },
      { name: 'debugging', proficiency: 0.8 },
    ]);
  });

  it('detects nothing from unknown models or none', () => {
    expect(detectCapabilities(['my-finetune:latest'])).toEqual([]);
    expect(detectCapabilities([])).toEqual([]);
  });
});

describe('mergeCapabilities', () => {
  it('keeps declared proficiencies over detected ones and adds the detected rest', () => {
    const declared = [{ name: 'code_review', proficiency: 0.6 }, { name: 'devops', proficiency: 0.95 }];
    const detected = detectCapabilities(['deepseek-r1:7b']);
    expect(mergeCapabilities(declared, detected)).toEqual([
      { name: 'devops', proficiency: 0.95 },
      { name: 'reasoning', proficiency: 0.9 },
      { name: 'analysis', proficiency: 0.8 },
      { name: 'code_review', proficiency: 0.6 },
    ]);
  });

  it('returns the detected ones when nothing is declared, and the declared ones when nothing is detected', () => {
    const detected = detectCapabilities(['starcoder2:15b']);
    expect(mergeCapabilities([], detected)).toEqual(detected);
    expect(mergeCapabilities([{ name: 'devops', proficiency: 0.5 }], [])).toEqual([{ name: 'devops', proficiency: 0.5 }]);
  });
});
