/**
 * The little of the DOM that the callbacks given to page.evaluate / waitForFunction use. Those callbacks run in
 * chromium, but the node typecheck has no DOM library: a file that needs `document` declares it module-locally as
 * `declare const document: PageDocument;` (nothing leaks into other files).
 */
export interface PageElement {
  textContent: string | null;
  tagName: string;
  complete: boolean;
  naturalWidth: number;
  dataset: Record<string, string | undefined>;
  scrollTop: number;
  scrollHeight: number;
  scrollWidth: number;
  clientWidth: number;
  click(): void;
  blur(): void;
  removeAttribute(name: string): void;
  closest(selector: string): PageElement | null;
  getBoundingClientRect(): { top: number; bottom: number };
  querySelectorAll(selector: string): Iterable<PageElement> & ArrayLike<PageElement>;
}

export interface PageDocument {
  documentElement: PageElement;
  activeElement: PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(
    selector: string,
  ): Iterable<PageElement> & ArrayLike<PageElement> & { forEach(cb: (e: PageElement) => void): void };
}
