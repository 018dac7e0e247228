/// <reference lib="dom" />

/**
 * How a new conversation reaches an agent who is looking elsewhere: a short
 * beep (WebAudio, nothing to download), a desktop notification when the
 * browser allows it, and a count in the tab's title.
 */
export class Alerts {
  private audio: AudioContext | null = null;

  beep(): void {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.3);
    } catch {
      // No audio (autoplay policy before any click): the other signals remain.
    }
  }

  get notificationsAllowed(): NotificationPermission | 'unsupported' {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  async askPermission(): Promise<void> {
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      await Notification.requestPermission();
    }
  }

  /** A desktop notification (text only); clicking it focuses the tab and calls `onClick`. */
  notify(title: string, body: string, tag: string, onClick: () => void): void {
    if (this.notificationsAllowed !== 'granted' || !document.hidden) return;
    try {
      const n = new Notification(title, { body, tag });
      n.onclick = () => {
        window.focus();
        onClick();
        n.close();
      };
    } catch {
      // Some platforms only allow notifications from a service worker.
    }
  }

  /** `(3) Parley`, or plain `Parley` at zero. */
  badge(count: number): void {
    const title = count > 0 ? `(${count}) Parley` : 'Parley';
    if (document.title !== title) document.title = title;
  }
}
