import { forwardRef, type ButtonHTMLAttributes, type ReactNode } from 'react';
import { buttonClass, type ButtonSize, type ButtonVariant } from './Button';
import { Tooltip } from './Tooltip';

interface Props extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'aria-label'> {
  /** What it does: the accessible name and the tooltip. */
  label: string;
  icon: ReactNode;
  variant?: ButtonVariant;
  size?: ButtonSize;
  tooltipSide?: 'top' | 'right' | 'bottom' | 'left';
}

/** A square button with an icon only; its label is its accessible name and shows as a tooltip. */
export const IconButton = forwardRef<HTMLButtonElement, Props>(function IconButton(
  { label, icon, variant = 'ghost', size = 'md', className, tooltipSide, type = 'button', ...rest },
  ref,
) {
  return (
    <Tooltip content={label} side={tooltipSide}>
      <button
        ref={ref}
        type={type}
        aria-label={label}
        className={buttonClass(variant, size, `btn-icon-only${className ? ` ${className}` : ''}`)}
        {...rest}
      >
        <span className="btn-icon" aria-hidden="true">
          {icon}
        </span>
      </button>
    </Tooltip>
  );
});
