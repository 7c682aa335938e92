// String.prototype.isWellFormed and toWellFormed (ES2024, in workerd's V8), typed here while
// tsconfig's lib stays at es2023.
interface String {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
