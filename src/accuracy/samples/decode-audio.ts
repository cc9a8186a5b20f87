/**
 * WAV → mono float samples in [−1, 1], with wavefile (reads PCM 8–32 bit, float 32/64, A-law,
 * µ-law; loaded on first use). A file at another sample rate than the model's, with more than one
 * channel, or shorter than its own header says is refused with one line naming the file: dlpack
 * does not resample or downmix behind the user's back.
 */
import { DlpackError } from '../../core/errors/dlpack-error.js';

export interface DecodedAudio {
  sampleRate: number;
  samples: Float32Array;
}

export async function decodeWav(bytes: Buffer, file: string, expected: { rate: number; channels?: number }): Promise<DecodedAudio> {
  const mod = await import('wavefile');
  const WaveFile = (mod as unknown as { WaveFile: typeof import('wavefile').WaveFile }).WaveFile ?? (mod as unknown as { default: { WaveFile: typeof import('wavefile').WaveFile } }).default.WaveFile;
  let wav: import('wavefile').WaveFile;
  try {
    wav = new WaveFile(bytes);
  } catch (err) {
    throw new DlpackError('USAGE', `not a readable WAV file (${String((err as Error).message).slice(0, 160)})`, { file, cause: err });
  }
  const fmt = { ...(wav.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number }) };
  const data = wav.data as { chunkSize: number; samples: Uint8Array };
  if (!data.samples?.length) throw new DlpackError('USAGE', 'WAV file has no samples', { file });
  if (data.samples.length < data.chunkSize) {
    throw new DlpackError('USAGE', `truncated WAV: the data chunk declares ${data.chunkSize} bytes, the file holds ${data.samples.length}`, { file });
  }
  const channels = expected.channels ?? 1;
  if (fmt.numChannels !== channels) {
    throw new DlpackError('USAGE', `WAV has ${fmt.numChannels} channels, the model takes ${channels === 1 ? 'mono (1)' : channels} (convert it first, e.g. sox in.wav -c 1 out.wav)`, { file });
  }
  if (fmt.sampleRate !== expected.rate) {
    throw new DlpackError('USAGE', `WAV sample rate is ${fmt.sampleRate} Hz, the preprocessing expects ${expected.rate} Hz (resample it, e.g. sox in.wav -r ${expected.rate} out.wav, or set --preprocess rate=${fmt.sampleRate} if the model takes that)`, { file });
  }
  try {
    wav.toBitDepth('32f');
  } catch (err) {
    throw new DlpackError('UNSUPPORTED', `WAV encoding cannot be decoded (${String((err as Error).message).slice(0, 120)})`, { file, cause: err });
  }
  const samples = Float32Array.from(wav.getSamples(false, Float64Array) as unknown as Float64Array);
  return { sampleRate: fmt.sampleRate, samples };
}
