/// <reference lib="dom" />

/**
 * What tells a visitor who is looking elsewhere that an agent wrote: a short
 * beep (WebAudio, no sound file to download) and the page title blinking with
 * the unread count until they look.
 */
export class Alerts {
  private audio: AudioContext | null = null;
  private flashTimer: ReturnType<typeof setInterval> | null = null;
  private savedTitle = '';

  constructor(private readonly sound: boolean) {}

  beep(): void {
    if (!this.sound || typeof AudioContext === 'undefined') return;
    try {
      this.audio ??= new AudioContext();
      const oscillator = this.audio.createOscillator();
      const gain = this.audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, this.audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, this.audio.currentTime + 0.25);
      oscillator.connect(gain).connect(this.audio.destination);
      oscillator.start();
      oscillator.stop(this.audio.currentTime + 0.25);
    } catch {
      // Autoplay policy or no audio device: the badge and the title still tell.
    }
  }

  flash(label: string): void {
    if (this.flashTimer) clearInterval(this.flashTimer);
    if (!this.savedTitle) this.savedTitle = document.title;
    let on = false;
    this.flashTimer = setInterval(() => {
      on = !on;
      document.title = on ? label : this.savedTitle;
    }, 1000);
  }

  stopFlash(): void {
    if (!this.flashTimer) return;
    clearInterval(this.flashTimer);
    this.flashTimer = null;
    document.title = this.savedTitle;
    this.savedTitle = '';
  }

  destroy(): void {
    this.stopFlash();
    void this.audio?.close().catch(() => undefined);
    this.audio = null;
  }
}
