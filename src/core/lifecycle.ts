/** Anything with a dispose(): VS Code's Disposable, our services, event subscriptions. */
export interface DisposableLike {
  dispose(): unknown;
}

/**
 * Base for objects that own other disposables: `_register` them as they are made, and one
 * dispose() releases them all in reverse order. Safe to dispose twice.
 */
export abstract class DisposableStore implements DisposableLike {
  private readonly owned: DisposableLike[] = [];
  private isDisposed = false;

  protected get disposed(): boolean {
    return this.isDisposed;
  }

  protected _register<T extends DisposableLike>(value: T): T {
    if (this.isDisposed) {
      void value.dispose();
    } else {
      this.owned.push(value);
    }
    return value;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.isDisposed = true;
    for (const item of this.owned.splice(0).reverse()) {
      void item.dispose();
    }
  }
}
