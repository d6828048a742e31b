// Watch an order until its payment is settled (PAID or DECLINED), polling about once a second.

export const FINAL = new Set(["PAID", "DECLINED"]);

/**
 * Poll `fetchOrder()` every `interval` ms; call `onUpdate(order)` for each answer and
 * `onEnd({order, reason})` once: reason is "settled", "gave-up" (still pending after
 * `maxPolls`), "error" (with `error`, after `maxErrors` failures in a row) or "stopped".
 * Returns a function that stops watching.
 */
export function watchOrder(fetchOrder, onUpdate, onEnd, options = {}) {
  const { interval = 1000, maxPolls = 120, maxErrors = 3, fatal = () => false } = options;
  let timer = null, polls = 0, errors = 0, last = null, done = false;
  const finish = (reason, error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    onEnd({ order: last, reason, error });
  };
  const tick = async () => {
    polls += 1;
    try {
      last = await fetchOrder();
      errors = 0;
      if (done) return;
      onUpdate(last);
      if (FINAL.has(last.status)) return finish("settled");
    } catch (error) {
      errors += 1;
      if (fatal(error) || errors >= maxErrors) return finish("error", error);
    }
    if (polls >= maxPolls) return finish("gave-up");
    if (!done) timer = setTimeout(tick, interval);
  };
  timer = setTimeout(tick, interval);
  return () => finish("stopped");
}
