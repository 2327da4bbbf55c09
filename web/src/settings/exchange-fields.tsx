/** On-premise Exchange signs in with a password; the EWS URL is found by Autodiscover unless given. */
import { Fieldset, PasswordInput, Stack, TextInput } from '@mantine/core';
import type { ShownError } from '../ui/errors';

export interface ExchangeInput {
  email: string;
  username: string;
  password: string;
  ewsUrl: string;
}

export const emptyExchange: ExchangeInput = { email: '', username: '', password: '', ewsUrl: '' };

export function ExchangeFields({ value, onChange, error }: { value: ExchangeInput; onChange: (v: ExchangeInput) => void; error: ShownError | null }) {
  const set = (key: keyof ExchangeInput) => (e: { currentTarget: { value: string } }) => onChange({ ...value, [key]: e.currentTarget.value });
  return (
    <Fieldset legend="Exchange account">
      <Stack gap="sm">
        <TextInput label="Email Address" type="email" required autoComplete="email" value={value.email} onChange={set('email')} error={error?.field('exchange.email')} />
        <TextInput
          label="Username"
          description="Often DOMAIN\user or your email address."
          required
          autoComplete="username"
          value={value.username}
          onChange={set('username')}
          error={error?.field('exchange.username')}
        />
        <PasswordInput
          label="Password"
          required
          autoComplete="current-password"
          value={value.password}
          onChange={set('password')}
          error={error?.field('exchange.password')}
          // Mantine's PasswordInput marks errors with data-invalid only; screen readers need aria-invalid.
          aria-invalid={error?.field('exchange.password') ? true : undefined}
        />
        <TextInput
          label="EWS URL (optional)"
          description="Leave empty to find it with Autodiscover, e.g. https://mail.example.com/EWS/Exchange.asmx"
          type="url"
          value={value.ewsUrl}
          onChange={set('ewsUrl')}
          error={error?.field('exchange.ewsUrl')}
        />
      </Stack>
    </Fieldset>
  );
}
